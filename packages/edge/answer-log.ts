// What the DNS responder answered Caddy, by deployment: the evidence that Caddy can no longer pick a previous upstream.

/** Monotonic milliseconds: the same clock Go's `time.Since` reads (CLOCK_MONOTONIC), immune to wall-clock steps. */
const monotonicMs = () => performance.now();

/**
 * A lookup whose answer no later lookup has followed is taken as completed this long after it was answered. Only
 * reached when Caddy sends no lookup at all afterwards (no request needed one): with traffic, a later lookup proves it.
 */
export const UNFOLLOWED_GRACE_MS = 250;

/** A request that picked an upstream counts itself in flight a few instructions later; this covers that step. */
export const PICK_SLACK_MS = 5;

/** A deployment whose earlier answers Caddy may still hold; `deploymentId` null: whatever an earlier responder answered. */
export interface Retiring {
  deploymentId: string | null;
  /** How much longer Caddy may pick it, at most. */
  heldForMs: number;
}

interface Answered {
  at: number;
  /** When the first SRV query after that answer arrived, null while none has. */
  followedAt: number | null;
}

/**
 * Caddy 2.6.2 looks SRV names up one at a time under one process-wide lock, dates each answer when its lookup
 * completes (still holding the lock) and serves it for `refresh` after that date. So the first SRV query to arrive
 * after an answer was sent after that answer's lookup completed: `refresh` after that query, Caddy holds no answer
 * naming a deployment this responder last named before it. One Caddy asks each responder (the edge's own). This
 * holds only while the SRV source's `grace_period` stays unset: with it, a failed lookup re-dates the stale answer.
 */
export class AnswerLog {
  readonly #now: () => number;
  readonly #answered = new Map<string, Answered>();
  /** Answered since the last SRV query: the next query marks them followed. */
  readonly #unfollowed = new Set<Answered>();
  /** Stands for answers an earlier responder process gave (Caddy outlives the edge process). */
  readonly #start: Answered;

  constructor(now: () => number = monotonicMs) {
    this.#now = now;
    this.#start = { at: now(), followedAt: null };
    this.#unfollowed.add(this.#start);
  }

  /** Each SRV query, before it is answered: O(answers since the previous query), usually one. */
  query(): void {
    if (this.#unfollowed.size === 0) return;
    const t = this.#now();
    for (const a of this.#unfollowed) a.followedAt = t;
    this.#unfollowed.clear();
  }

  /** An SRV answer naming `deploymentId`'s upstreams was sent. */
  answered(deploymentId: string): void {
    const t = this.#now();
    let a = this.#answered.get(deploymentId);
    if (a) {
      a.at = t;
      a.followedAt = null;
    } else {
      a = { at: t, followedAt: null };
      this.#answered.set(deploymentId, a);
    }
    this.#unfollowed.add(a);
  }

  /**
   * Deployments not in `routed` that Caddy (refreshing every `refreshMs`) may still pick; forgets the rest. A
   * deployment absent from the list (and from any null entry) can no longer be picked through this edge.
   */
  retiring(routed: ReadonlySet<string>, refreshMs: number): Retiring[] {
    const now = this.#now();
    const heldFor = (a: Answered) => (a.followedAt ?? a.at + UNFOLLOWED_GRACE_MS) + refreshMs + PICK_SLACK_MS - now;
    const out: Retiring[] = [];
    const start = heldFor(this.#start);
    if (start > 0) out.push({ deploymentId: null, heldForMs: Math.ceil(start) });
    for (const [id, a] of this.#answered) {
      if (routed.has(id)) continue;
      const held = heldFor(a);
      if (held > 0) out.push({ deploymentId: id, heldForMs: Math.ceil(held) });
      else this.#answered.delete(id);
    }
    return out;
  }
}
