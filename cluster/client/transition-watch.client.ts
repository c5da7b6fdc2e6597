// Follows one deployment's statechart transitions through the API's `watch`: the journal first, then live ones.
import {
  errorText,
  isTerminalStatus,
  type ApiReply,
  type DeploymentRecord,
  type RegionState,
  type TransitionReport,
} from '../../packages/protocol/index.js';
import { isPassing, pause, unlessAborted, type ApiCaller } from './api-caller.js';
import { WATCH_WAIT_MS } from './record-watch.client.js';

export const isTerminal = (state: RegionState) => state.status === 'succeeded' || state.status === 'failed';

export interface TransitionWatchResult {
  /** The last transition shown, if any. */
  last: TransitionReport | null;
  /** The deployment's record once it was seen terminal (null if the watch ended otherwise). */
  record: DeploymentRecord | null;
}

export interface TransitionWatchOptions {
  onReport(report: TransitionReport): void;
  /** Things the person watching should know: a journal that is not available, transitions that were missed. */
  onNote(text: string): void;
  signal?: AbortSignal;
  /** How long to wait for the last transitions after the record already says the deployment is terminal. */
  graceMs?: number;
}

const RETRY_MS = 500;

/** Every transition known of one deployment now (the hosting node's journal), without waiting for more. */
export async function transitionsOf(
  api: ApiCaller,
  id: string,
  timeoutMs?: number,
): Promise<{ transitions: TransitionReport[]; journal: boolean }> {
  const ask = (after: { nodeId: string; seq: number } | null) =>
    api.request('watch', { deployments: [{ id, revision: 0 }], transitions: { after }, waitMs: 0 }, timeoutMs);
  const reply = await ask(null);
  const transitions = [...reply.transitions];
  // A journal bigger than one reply comes in parts: ask on from the last one received.
  for (let more = reply.more; more && transitions.length > 0; ) {
    const { nodeId, seq } = transitions.at(-1)!;
    const next = await ask({ nodeId, seq });
    transitions.push(...next.transitions);
    more = next.more && next.transitions.length > 0;
  }
  return { transitions, journal: reply.journal };
}

/**
 * The server answers each poll from the hosting node's journal plus what was published while it waited, after the
 * last transition seen, so nothing falls between two polls while the journal is there. The record is watched in the
 * same poll: a transition lost on the way cannot leave the watch hanging once the deployment is terminal.
 */
export async function watchTransitions(
  api: ApiCaller,
  record: DeploymentRecord,
  opts: TransitionWatchOptions,
): Promise<TransitionWatchResult> {
  const result: TransitionWatchResult = { last: null, record: null };
  const emit = (report: TransitionReport) => {
    const prev = result.last;
    if (prev && prev.nodeId === report.nodeId) {
      if (report.seq <= prev.seq) return;
      if (report.seq > prev.seq + 1) opts.onNote(`(${report.seq - prev.seq - 1} transition(s) not received)`);
    }
    result.last = report;
    opts.onReport(report);
  };
  const done = () => (result.last ? isTerminal(result.last.after) : isTerminalStatus(record.status));
  let revision = 0;
  let graceUntil = Infinity;
  // The first answer (the journal) is asked without waiting; a moment without an answering agent is waited out.
  for (let first = true; !opts.signal?.aborted && !api.nc.isClosed(); ) {
    const after = result.last ? { nodeId: result.last.nodeId, seq: result.last.seq } : null;
    const waitMs = first ? 0 : Math.max(0, Math.min(WATCH_WAIT_MS, graceUntil - Date.now()));
    let reply: ApiReply<'watch'> | null;
    try {
      const request = api.request('watch', {
        deployments: [{ id: record.id, revision }],
        transitions: { after },
        waitMs,
      });
      reply = await unlessAborted(request, opts.signal);
    } catch (error) {
      if (!isPassing(error) || api.nc.isClosed()) {
        if (first) throw error;
        opts.onNote(`cannot watch the deployment's record: ${errorText(error)}`);
        break;
      }
      await pause(RETRY_MS, opts.signal);
      continue;
    }
    if (!reply) break;
    const wasFirst = first;
    first = false;
    if (wasFirst && !reply.journal)
      opts.onNote(
        `node ${record.nodeId ?? '?'} has no journal of ${record.id} (restarted since, or not answering): live transitions only`,
      );
    reply.transitions.forEach(emit);
    if (wasFirst && done()) break;
    for (const change of reply.records) {
      revision = change.revision;
      if (change.record === null) graceUntil = Math.min(graceUntil, Date.now());
      else if (isTerminalStatus(change.record.status) && result.record === null) {
        result.record = change.record;
        graceUntil = Date.now() + (opts.graceMs ?? 1_000);
      }
    }
    if (done() || (!reply.more && Date.now() >= graceUntil)) break;
  }
  return result;
}
