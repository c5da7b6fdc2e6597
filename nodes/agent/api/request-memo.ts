// Remembers what a keyed deploy or rollback answered, so a retried request never creates a second deployment.
import { randomBytes } from 'node:crypto';

const TTL_MS = 15 * 60_000;
const MAX_ENTRIES = 10_000;

/** A key for a request that came without one: followers then retry at the leader with this one. */
export const newIdempotencyKey = (): string => randomBytes(16).toString('base64url');

/**
 * Kept by the leader in memory: a retry that reaches the same leader (a follower's retry after NOT_LEADER, a client's
 * retry after a timeout) gets the first answer, even while the first is still running. A failed first attempt is
 * forgotten, so the retry runs again. A new leader does not know older keys; there the deploy plan's fingerprint
 * check still refuses to create a second deployment of an unchanged service unless forced.
 */
export class RequestMemo {
  readonly #entries = new Map<string, { expires: number; result: Promise<unknown> }>();

  run<T>(scope: string, key: string, now: number, work: () => Promise<T>): Promise<T> {
    const id = `${scope}:${key}`;
    const hit = this.#entries.get(id);
    if (hit && hit.expires > now) return hit.result as Promise<T>;
    this.#sweep(now);
    const result = work();
    this.#entries.set(id, { expires: now + TTL_MS, result });
    result.catch(() => this.#entries.delete(id));
    return result;
  }

  #sweep(now: number): void {
    for (const [id, e] of this.#entries)
      if (e.expires <= now || this.#entries.size >= MAX_ENTRIES) this.#entries.delete(id);
  }
}
