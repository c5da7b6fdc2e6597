// Keeps the encoded reply of a read-only verb per request until the state it reads changes (its version moves).
import type { Msg } from '@nats-io/nats-core';

/** What a memoized endpoint reads: a number that changes whenever anything its replies show changes. */
export interface ReplyMemoSource {
  version(): number;
}

/** Distinct requests kept at once; past it the oldest is forgotten (requests differ only by environment and service). */
export const MAX_MEMO_ENTRIES = 256;

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
  constructor(private readonly source: ReplyMemoSource) {}

  /** Answers from memory if it can; else returns the version to store the fresh reply under. */
  answered(key: string, msg: Msg): { version: number } | null {
    const version = this.source.version();
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      for (const part of hit.parts) msg.respond(part);
      return null;
    }
    return { version };
  }

  store(key: string, version: number, parts: Uint8Array[]): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_MEMO_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { version, parts });
  }

  get size(): number {
    return this.entries.size;
  }
}
