// `feed`: every deployment record (and transition) since the caller's cursor, as a long poll over the index.
import {
  MAX_FEED_RECORD_BYTES,
  MAX_FEED_RECORDS,
  MAX_WATCH_TRANSITION_BYTES,
  type ApiReply,
  type ApiRequestParsed,
  type FeedTransitionCursor,
  type WatchedRecord,
} from '../../../packages/protocol/index.js';
import type { DeploymentIndex } from '../deployment-index.js';
import type { TransitionRing } from '../transition-ring.js';
import { LongPollWait } from './long-poll.js';

type FeedRequest = ApiRequestParsed<'feed'>;

/** The changes after `since`, oldest first, cut at the reply's bounds (always at least one, so a caller moves on). */
export function recordsSince(
  index: DeploymentIndex,
  since: number,
  environment?: string,
): { records: WatchedRecord[]; cursor: number; more: boolean } {
  const inEnv = (env: string) => environment === undefined || env === environment;
  const changes: WatchedRecord[] = [];
  for (const { record, revision } of index.entries()) {
    if (revision > since && inEnv(record.environmentName)) changes.push({ id: record.id, revision, record });
  }
  for (const t of index.deletedSince(since)) {
    if (inEnv(t.environmentName)) changes.push({ id: t.id, revision: t.revision, record: null });
  }
  changes.sort((a, b) => a.revision - b.revision);
  const records: WatchedRecord[] = [];
  let bytes = 0;
  for (const change of changes) {
    const size = JSON.stringify(change).length;
    if (records.length >= MAX_FEED_RECORDS || (records.length > 0 && bytes + size > MAX_FEED_RECORD_BYTES)) {
      return { records, cursor: records.at(-1)!.revision, more: true };
    }
    records.push(change);
    bytes += size;
  }
  // A cursor from an agent whose index is further along stays where it is: this one has nothing newer yet.
  return { records, cursor: Math.max(since, index.revision), more: false };
}

/** Transitions after the caller's cursor, up to the reply's byte budget; null `after`: from now on. */
export function transitionsSince(ring: TransitionRing, after: FeedTransitionCursor | null) {
  if (after === null) return { transitions: [], transitionCursor: ring.now(), transitionGap: false, more: false };
  const pick = ring.after(after);
  const transitions = [];
  let bytes = 0;
  for (const r of pick.reports) {
    const size = r.bytes;
    if (transitions.length > 0 && bytes + size > MAX_WATCH_TRANSITION_BYTES) {
      const last = pick.reports[transitions.length - 1]!;
      return {
        transitions,
        transitionCursor: { agent: ring.id, n: last.n, at: last.at },
        transitionGap: pick.gap,
        more: true,
      };
    }
    transitions.push(r.report);
    bytes += size;
  }
  return { transitions, transitionCursor: ring.now(), transitionGap: pick.gap, more: false };
}

/**
 * Answers at once when a record changed after `since` (or a transition arrived after the cursor), else waits for the
 * index or the ring to move, at most `waitMs`. Nothing outlives the request: a caller that vanished costs one wait.
 */
export async function feed(index: DeploymentIndex, ring: TransitionRing, req: FeedRequest): Promise<ApiReply<'feed'>> {
  const wait = new LongPollWait();
  const poke = wait.poke;
  const unlisten = [index.listen(poke), ring.listen(poke)];
  const after = req.transitions?.after ?? null;
  try {
    const deadline = Date.now() + req.waitMs;
    for (;;) {
      const r = recordsSince(index, req.since, req.environment);
      const fresh = after !== null && ring.after(after, true).reports.length > 0;
      const left = deadline - Date.now();
      if (r.records.length > 0 || fresh || left <= 0 || req.transitions?.after === null) {
        const gap = req.since > 0 && req.since < index.horizon;
        if (!req.transitions) return { ...r, gap, transitions: [], transitionCursor: null, transitionGap: false };
        const t = transitionsSince(ring, after);
        return { ...r, gap, ...t, more: r.more || t.more };
      }
      await wait.for(left);
    }
  } finally {
    for (const stop of unlisten) stop();
  }
}
