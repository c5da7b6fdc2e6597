// The statechart transitions this agent received lately, numbered: the `feed` verb hands them to the dashboard.
import type { Subscription } from '@nats-io/nats-core';
import type { FeedTransitionCursor, TransitionReport } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { followTransitions } from '../../cluster/inspect/index.js';

/** Reports kept, and their bytes (one may be 64 KiB): a few minutes of a busy cluster; a caller further behind is told. */
export const KEPT_REPORTS = 2_000;
export const KEPT_BYTES = 4 * 1024 * 1024;
/** Another agent's clock may differ this much: its callers get reports received this long before their cursor again. */
export const CLOCK_OVERLAP_MS = 2_000;

interface Received {
  n: number;
  at: number;
  bytes: number;
  report: TransitionReport;
}

export interface RingPick {
  reports: Received[];
  /** Reports after the cursor may be missing: this agent started or forgot them since. */
  gap: boolean;
}

export class TransitionRing {
  private readonly kept: Received[] = [];
  private readonly listeners = new Set<() => void>();
  private sub: Subscription | null = null;
  private last = 0;
  private bytes = 0;
  /** When the newest report forgotten was received (0: none forgotten). */
  private forgottenAt = 0;
  private startedAt = 0;

  /** `id` names this run of the agent: a cursor of an earlier run is read by time, as another agent's is. */
  constructor(readonly id: string) {}

  start(conn: ClusterConnection): void {
    this.startedAt = Date.now();
    this.sub = followTransitions(conn, (report) => this.add(report));
  }

  stop(): void {
    this.sub?.unsubscribe();
  }

  add(report: TransitionReport): void {
    this.last += 1;
    const bytes = JSON.stringify(report).length;
    this.kept.push({ n: this.last, at: Date.now(), bytes, report });
    this.bytes += bytes;
    while (this.kept.length > KEPT_REPORTS || (this.bytes > KEPT_BYTES && this.kept.length > 1)) {
      const forgotten = this.kept.shift()!;
      this.bytes -= forgotten.bytes;
      this.forgottenAt = forgotten.at;
    }
    for (const listener of this.listeners) listener();
  }

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where a caller that has seen everything so far stands. */
  now(): FeedTransitionCursor {
    return { agent: this.id, n: this.last, at: Date.now() };
  }

  /** Reports after `after`; `fresh` picks only ones received after it exactly (what a long poll wakes for). */
  after(after: FeedTransitionCursor, fresh = false): RingPick {
    if (after.agent === this.id) {
      const first = this.kept[0]?.n ?? this.last + 1;
      return { reports: this.kept.filter((r) => r.n > after.n), gap: first > after.n + 1 };
    }
    const from = fresh ? after.at : after.at - CLOCK_OVERLAP_MS;
    return {
      reports: this.kept.filter((r) => r.at > from),
      gap: this.startedAt > from || this.forgottenAt > from,
    };
  }
}
