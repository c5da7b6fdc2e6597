// Keeps the encoded reply of a read-only verb per request until the state it reads changes (its version moves).
import type { Msg } from '@nats-io/nats-core';

/** What a memoized endpoint reads: a number that changes whenever anything its replies show changes. */
export interface ReplyMemoSource {
  version(): number;
}

/** Distinct requests kept at once; past it the oldest is forgotten (requests differ only by environment and service). */
export const MAX_MEMO_ENTRIES = 256;
/** Longer request bodies are not kept as they were sent (a status request is well under it). */
const MAX_BODY_CHARS = 1_024;

interface Entry {
  version: number;
  parts: Uint8Array[];
}

/**
 * `status` of a 20-service environment spent most of its time building and serializing the same reply again:
 * answering from the bytes of the last one while nothing changed made it several times cheaper. Only successful
 * replies are kept; the version is read before the handler runs, so a change during it never marks a stale reply new.
 */
export class ReplyMemo {
  private readonly entries = new Map<string, Entry>();
  /** Request bodies answered before, as sent, to the key of their parsed request: a repeat skips parsing again. */
  private readonly bodies = new Map<string, string>();
  constructor(private readonly source: ReplyMemoSource) {}

  /**
   * Answers a request body seen before, byte for byte, from memory while its reply stands: it was parsed and validated
   * the first time, so parsing it again (most of what a repeated `status` still cost) changes nothing. False otherwise.
   */
  answeredBody(body: string, msg: Msg): boolean {
    const key = this.bodies.get(body);
    if (key === undefined) return false;
    const hit = this.entries.get(key);
    if (!hit || hit.version !== this.source.version()) return false;
    for (const part of hit.parts) msg.respond(part);
    return true;
  }

  /** Answers from memory if it can; else returns the version to store the fresh reply under. `body`: as it was sent. */
  answered(key: string, msg: Msg, body?: string): { version: number } | null {
    const version = this.source.version();
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      for (const part of hit.parts) msg.respond(part);
      this.keepBody(body, key);
      return null;
    }
    return { version };
  }

  /** Keeps a successful reply; `body` is the request as sent, kept (bounded like the replies) to find it again. */
  store(key: string, version: number, parts: Uint8Array[], body?: string): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_MEMO_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { version, parts });
    this.keepBody(body, key);
  }

  private keepBody(body: string | undefined, key: string): void {
    if (body === undefined || body.length > MAX_BODY_CHARS || this.bodies.get(body) === key) return;
    this.bodies.delete(body);
    if (this.bodies.size >= MAX_MEMO_ENTRIES) this.bodies.delete(this.bodies.keys().next().value!);
    this.bodies.set(body, key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Request bodies kept as sent. */
  get bodiesKept(): number {
    return this.bodies.size;
  }
}
