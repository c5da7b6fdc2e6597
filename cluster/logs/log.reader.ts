// Reads the most recent log lines of a filter from the stream by walking back in growing sequence windows.
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { errorText, CompartmentError, STREAMS, type LogLine } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import {
  countLines,
  logSubjectOf,
  parseBatch,
  selectTail,
  timeOf,
  type LogFilter,
  type StoredBatch,
} from './log-order.js';

export interface ReadLogsOptions {
  /** How many of the most recent lines (default 100). */
  tail?: number;
  /** Only lines at or after this ISO time. */
  since?: string;
}

export interface ReadLogsResult {
  lines: LogLine[];
  /** Follow from here: every message at or after this sequence is newer than what was read. */
  nextSequence: number;
}

const WINDOW_DEADLINE_MS = 15_000;

interface Window {
  batches: StoredBatch[];
  /** Stream time of the oldest message in the window (ms), if any. */
  oldestMs: number | null;
}

/**
 * Matching messages with sequence in [lo, hi]: one short-lived consumer, fetched until past `hi` or up to
 * `last` (the newest matching sequence, from the stream leader). The consumer's own num_pending is not
 * trusted: on a cluster an R1 consumer may sit on a replica still catching up (seen on 2.9.10 right after a
 * member rejoins), and it would undercount; its fetch simply waits until the replica has the messages.
 */
async function readWindow(
  conn: ClusterConnection,
  subject: string,
  lo: number,
  hi: number,
  last: number,
): Promise<Window> {
  const window: Window = { batches: [], oldestMs: null };
  const target = Math.min(hi, last);
  if (target < lo) return window;
  const ci = await conn.jsm.consumers.add(STREAMS.logs, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: lo,
    filter_subject: subject,
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(30_000),
  });
  try {
    const consumer = conn.js.consumers.getConsumerFromInfo(ci);
    const deadline = Date.now() + WINDOW_DEADLINE_MS;
    let done = false;
    while (!done) {
      if (Date.now() > deadline)
        throw new CompartmentError(
          'TIMEOUT',
          `log messages ${lo}-${target} did not arrive within ${WINDOW_DEADLINE_MS} ms`,
        );
      const batch = await consumer.fetch({ max_messages: 256, expires: 2_000 });
      for await (const m of batch) {
        if (m.seq > hi) {
          done = true;
          break;
        }
        window.oldestMs ??= m.time.getTime();
        const parsed = parseBatch(m.data);
        if (parsed) window.batches.push({ seq: m.seq, batch: parsed });
        if (m.seq >= target) {
          done = true;
          break;
        }
      }
    }
  } finally {
    await conn.jsm.consumers.delete(STREAMS.logs, ci.name).catch(() => {});
  }
  return window;
}

export async function readLogs(
  conn: ClusterConnection,
  filter: LogFilter,
  options: ReadLogsOptions = {},
): Promise<ReadLogsResult> {
  const tail = options.tail ?? 100;
  if (!Number.isInteger(tail) || tail < 0)
    throw new CompartmentError('INVALID_ARGUMENT', 'tail must be a non-negative integer', 'tail');
  const sinceMs = options.since === undefined ? null : timeOf(options.since);
  if (Number.isNaN(sinceMs))
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `since ${JSON.stringify(options.since)} is not an ISO time`,
      'since',
    );
  const subject = logSubjectOf(filter);
  try {
    await conn.whenConnected();
    const { state } = await conn.jsm.streams.info(STREAMS.logs);
    const nextSequence = state.last_seq + 1;
    if (tail === 0 || state.messages === 0) return { lines: [], nextSequence };
    // The newest matching message, asked of the stream leader: nothing newer needs reading, and no match at all ends here.
    const newest = await conn.jsm.streams.getMessage(STREAMS.logs, { last_by_subj: subject });
    if (!newest) return { lines: [], nextSequence };
    // Published after the info call: left to a follower starting at nextSequence.
    const last = Math.min(newest.seq, state.last_seq);
    // Walk back from the end in windows of stream sequences. The first is small; the next is sized from the
    // matching lines per sequence seen so far, or 4x when nothing matched yet, so a dense filter takes one or two
    // windows and a sparse one log(stream) windows, never a read of the whole stream for the last lines.
    const windows: StoredBatch[][] = [];
    let hi = last;
    let size = Math.min(Math.max(tail, 64), 256);
    let have = 0;
    while (hi >= state.first_seq) {
      const lo = Math.max(state.first_seq, hi - size + 1);
      const w = await readWindow(conn, subject, lo, hi, last);
      windows.unshift(w.batches);
      have += countLines(w.batches, sinceMs);
      // Stream time only grows with sequence: a message older than `since` means everything before it is too.
      if (have >= tail || (sinceMs !== null && w.oldestMs !== null && w.oldestMs < sinceMs)) break;
      const span = last - lo + 1;
      size = have > 0 ? Math.max(64, Math.ceil(((tail - have) * span * 1.25) / have)) : size * 4;
      hi = lo - 1;
    }
    return { lines: selectTail(windows.flat(), tail, sinceMs), nextSequence };
  } catch (error) {
    if (error instanceof CompartmentError) throw error;
    throw new CompartmentError('CLUSTER_UNAVAILABLE', `reading logs: ${errorText(error)}`);
  }
}
