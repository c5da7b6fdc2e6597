// `watch`: a long poll over the deployment index (and one deployment's transitions), so clients never read storage.
import {
  MAX_WATCH_TRANSITION_BYTES,
  type ApiReply,
  type ApiRequestParsed,
  type TransitionReport,
  type WatchedRecord,
} from '../../../packages/protocol/index.js';
import { followTransitions } from '../../../cluster/inspect/index.js';
import { transitionHistory } from '../../../cluster/rpc/index.js';
import type { AgentContext } from '../agent-context.js';
import { LongPollWait } from './long-poll.js';

type Cursor = ApiRequestParsed<'watch'>['deployments'][number];
type After = { nodeId: string; seq: number } | null;

const JOURNAL_TIMEOUT_MS = 1_500;
/** Live reports kept while one request waits: more than a deployment makes in a wait, bounded against a flood. */
const MAX_LIVE_REPORTS = 1_000;

/** Records newer than their cursor; the store is asked only about ones the index no longer holds. */
async function storedChanges(ctx: AgentContext, cursors: Cursor[]): Promise<Map<string, WatchedRecord>> {
  const out = new Map<string, WatchedRecord>();
  for (const { id, revision } of cursors) {
    // Never seen by the caller and not indexed: not yet written (or no such id); wait as a KV watch would.
    if (revision === 0 || ctx.index.get(id)) continue;
    const stored = await ctx.deployments.get(id);
    if (!stored) out.set(id, { id, revision, record: null });
    else if (stored.revision > revision) out.set(id, { id, revision: stored.revision, record: stored.value.record });
  }
  return out;
}

function indexedChanges(ctx: AgentContext, cursors: Cursor[], stored: Map<string, WatchedRecord>): WatchedRecord[] {
  const out: WatchedRecord[] = [];
  for (const { id, revision } of cursors) {
    // Every revision the index saw since the cursor, in order (the last few): progress shows each stage, as before.
    for (const e of ctx.index.since(id, revision)) out.push({ id, revision: e.revision, record: e.record });
    if (!ctx.index.get(id) && stored.has(id)) out.push(stored.get(id)!);
  }
  return out;
}

/** The hosting node's journal (null when no node hosts it, or the node has none or does not answer). */
async function journalOf(ctx: AgentContext, id: string): Promise<TransitionReport[] | null> {
  const nodeId = ctx.index.get(id)?.record.nodeId ?? ctx.recordOf(id)?.nodeId;
  return nodeId ? transitionHistory(ctx.conn.nc, nodeId, id, JOURNAL_TIMEOUT_MS) : null;
}

/** Reports after `after`, each once, up to the reply's byte budget (at least one, so a caller always moves on). */
export function pickTransitions(
  reports: TransitionReport[],
  after: After,
): { transitions: TransitionReport[]; more: boolean } {
  const seen = new Set<string>();
  const transitions: TransitionReport[] = [];
  let bytes = 0;
  for (const r of reports) {
    const key = `${r.nodeId}:${r.seq}`;
    if (seen.has(key) || (after && r.nodeId === after.nodeId && r.seq <= after.seq)) continue;
    seen.add(key);
    const size = JSON.stringify(r).length;
    if (transitions.length > 0 && bytes + size > MAX_WATCH_TRANSITION_BYTES) return { transitions, more: true };
    transitions.push(r);
    bytes += size;
  }
  return { transitions, more: false };
}

/**
 * Answers at once when something is newer than the caller's cursors, else waits for the index or a published
 * transition to move, at most `waitMs`. Nothing outlives the request: a caller that vanished costs one wait.
 */
export async function watch(ctx: AgentContext, req: ApiRequestParsed<'watch'>): Promise<ApiReply<'watch'>> {
  const wait = new LongPollWait();
  const poke = wait.poke;
  const unlisten = ctx.index.listen(poke);
  const live: TransitionReport[] = [];
  const target = req.transitions ? req.deployments[0]!.id : null;
  const onReport = (report: TransitionReport) => {
    if (live.length < MAX_LIVE_REPORTS) live.push(report);
    poke();
  };
  // Subscribed before the journal is asked, so no transition falls between the two.
  const sub = target === null ? null : followTransitions(ctx.conn, onReport, target);
  try {
    const stored = await storedChanges(ctx, req.deployments);
    const journal = target === null ? [] : await journalOf(ctx, target);
    const deadline = Date.now() + req.waitMs;
    for (;;) {
      const records = indexedChanges(ctx, req.deployments, stored);
      const t = req.transitions
        ? pickTransitions([...(journal ?? []), ...live], req.transitions.after)
        : { transitions: [], more: false };
      const left = deadline - Date.now();
      if (records.length > 0 || t.transitions.length > 0 || left <= 0) {
        return { records, ...t, journal: journal !== null };
      }
      await wait.for(left);
    }
  } finally {
    unlisten();
    sub?.unsubscribe();
  }
}

/** `source.check`: whether the sources store holds `digest`; the store itself was made when this agent started. */
export async function sourceCheck(ctx: AgentContext, req: ApiRequestParsed<'source.check'>) {
  return { present: await ctx.sources.has(req.digest) };
}
