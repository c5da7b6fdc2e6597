// Follows one deployment's statechart transitions: the node's journal first, then live ones, until it is terminal.
import type { NatsConnection } from '@nats-io/transport-node';
import { isTerminalStatus, subjects, type DeploymentRecord } from '../../protocol/index.js';
import { transitionHistory } from '../../../cluster/rpc/index.js';
import { watchUntilTerminal } from './deployment-watch.js';
import { isTerminal, parseReport, type TransitionReport } from './transition-report.js';

export interface TransitionWatchResult {
  /** The last transition shown, if any. */
  last: TransitionReport | null;
  /** The deployment's record once it was seen terminal in KV (null if the watch ended otherwise). */
  record: DeploymentRecord | null;
}

export interface TransitionWatchOptions {
  onReport(report: TransitionReport): void;
  /** Things the person watching should know: a journal that is not available, transitions that were missed. */
  onNote(text: string): void;
  signal?: AbortSignal;
  /** How long to wait for the last transitions after KV already says the deployment is terminal. */
  graceMs?: number;
}

const HISTORY_TIMEOUT_MS = 2_000;

/** The transitions the hosting node journaled (null when it has none or does not answer). */
export async function fetchHistory(nc: NatsConnection, record: DeploymentRecord): Promise<TransitionReport[] | null> {
  return record.nodeId ? transitionHistory(nc, record.nodeId, record.id, HISTORY_TIMEOUT_MS) : null;
}

/**
 * Subscribes before asking for the journal, so nothing falls between the two; live reports the journal already
 * held are dropped by their sequence number. The deployment's KV entry is watched too: a report lost on the way
 * (core NATS does not redeliver) cannot leave the watch hanging once the deployment is terminal.
 */
export async function watchTransitions(
  nc: NatsConnection,
  record: DeploymentRecord,
  opts: TransitionWatchOptions,
): Promise<TransitionWatchResult> {
  const sub = nc.subscribe(subjects.inspect(record.id));
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

  const history = await fetchHistory(nc, record);
  if (history === null)
    opts.onNote(
      `node ${record.nodeId ?? '?'} has no journal of ${record.id} (restarted since, or not answering): live transitions only`,
    );
  (history ?? []).forEach(emit);
  const done = () => (result.last ? isTerminal(result.last.after) : isTerminalStatus(record.status));
  if (done() || opts.signal?.aborted) {
    sub.unsubscribe();
    return result;
  }

  const stopKv = new AbortController();
  const end = () => sub.unsubscribe();
  opts.signal?.addEventListener('abort', end, { once: true });
  void nc.closed().then(end);
  void watchUntilTerminal(nc, [record], () => undefined, stopKv.signal)
    .then((finals) => {
      result.record = finals.get(record.id) ?? null;
      if (!stopKv.signal.aborted) setTimeout(end, opts.graceMs ?? 1_000).unref();
    })
    .catch((error: Error) => opts.onNote(`cannot watch the deployment's record: ${error.message}`));

  try {
    for await (const m of sub) {
      const report = parseReport(m.data);
      if (!report) continue;
      emit(report);
      if (done()) break;
    }
  } finally {
    sub.unsubscribe();
    stopKv.abort();
    opts.signal?.removeEventListener('abort', end);
  }
  return result;
}
