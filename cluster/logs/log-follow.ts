// Follows the log stream from a sequence: an async iterable of lines as they arrive, stoppable from outside.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, ConsumerMessages } from '@nats-io/jetstream';
import { errorText, CompartmentError, STREAMS, expandBatch, type LogLine } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { logSubjectOf, parseBatch, type LogFilter } from './log-order.js';

/** A followed line and the stream sequence of the batch it came in (resume from `sequence + 1`). */
export type FollowedLine = LogLine & { sequence: number };

export interface LogFollow extends AsyncIterable<FollowedLine> {
  /** Resolves once the server-side consumer exists (or the follow failed or stopped; iterating reports why). */
  readonly ready: Promise<void>;
  /** Ends the iteration (the loop over it finishes normally). */
  stop(): void;
}

/** Starts consuming at once, so lines are buffered from `fromSequence` even before iteration begins. */
export function followLogs(conn: ClusterConnection, filter: LogFilter, fromSequence: number): LogFollow {
  const subject = logSubjectOf(filter);
  if (!Number.isInteger(fromSequence) || fromSequence < 1) {
    throw new CompartmentError('INVALID_ARGUMENT', 'fromSequence must be a positive integer', 'fromSequence');
  }
  let stopped = false;
  let messages: ConsumerMessages | null = null;

  const starting = (async () => {
    // An ordered consumer recreates itself at the right sequence after a reconnect or a server restart,
    // but creating it the first time is a plain request: retry that while the server is away.
    let consumer: Consumer | null = null;
    for (let attempt = 1; !consumer; attempt++) {
      if (stopped) return;
      try {
        await conn.whenConnected();
        consumer = await conn.js.consumers.get(STREAMS.logs, { filter_subjects: subject, opt_start_seq: fromSequence });
      } catch (error) {
        if (conn.nc.isClosed())
          throw new CompartmentError('CLUSTER_UNAVAILABLE', `following logs: ${errorText(error)}`);
        await sleep(Math.min(100 * attempt, 2_000));
      }
    }
    if (stopped) return;
    // A pull that a server restart leaves answered with a 409 is only retried once heartbeats are missed (twice
    // expires/2): 5 s pulls let a follow resume about 5 s after the restart instead of 30 s (the library's default).
    messages = await consumer.consume({ max_messages: 256, expires: 5_000 });
    if (stopped) messages.stop();
  })();
  const ready = starting.then(
    () => {},
    () => {},
  );

  async function* lines(): AsyncGenerator<FollowedLine> {
    await starting;
    if (!messages) return;
    try {
      for await (const m of messages) {
        const batch = parseBatch(m.data);
        if (!batch) continue;
        for (const line of expandBatch(batch)) {
          if (stopped) return;
          yield { ...line, sequence: m.seq };
        }
      }
    } finally {
      messages.stop();
    }
  }

  const iterator = lines();
  return {
    ready,
    [Symbol.asyncIterator]: () => iterator,
    stop: () => {
      stopped = true;
      messages?.stop();
    },
  };
}
