// Publishes log batches to the JetStream log stream, acked and retried with a message id so a retry never duplicates.
import { nuid } from '@nats-io/nats-core';
import {
  CompartmentError,
  MAX_LOG_LINE,
  logTime,
  subjects,
  type LogBatch,
  type LogStream,
} from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { withBackoff } from '../retry/index.js';
import { fitBatch } from './log-fit.js';
import { LogBatcher, type BatcherOptions, type LineInput, type LogMeta } from './log-batcher.js';

export interface LogPublisherOptions extends Partial<BatcherOptions> {
  /** Ack wait per publish; a publish that times out is retried (same message id). */
  publishTimeoutMs?: number;
  /** How long one batch is retried before it is given up (default 5 minutes). */
  giveUpAfterMs?: number;
  /** Told about each failed attempt (the batch is retried until giveUpAfterMs). */
  onRetry?: (error: Error, attempt: number) => void;
}

export const DEFAULT_BATCHER_OPTIONS: BatcherOptions = {
  flushMs: 50,
  eventFlushMs: 0,
  maxBatchLines: 1000,
  maxBatchBytes: 256 * 1024,
  maxLineChars: MAX_LOG_LINE,
  // One publish at a time per deployment keeps its lines in write order in the stream even across a retry
  // (a retry of batch k after batch k+1 was stored would swap them for followers); locally it costs no throughput.
  maxInFlight: 1,
  maxQueued: 4,
};

export class LogPublisher {
  private readonly batcher: LogBatcher;
  private readonly prefix = nuid.next();
  private counter = 0;
  private closed = false;

  constructor(
    private readonly conn: ClusterConnection,
    private readonly options: LogPublisherOptions = {},
  ) {
    this.batcher = new LogBatcher({ ...DEFAULT_BATCHER_OPTIONS, ...stripUndefined(options) }, (batch) =>
      this.send(batch),
    );
  }

  /** Queues lines of one deployment on one stream; resolves when accepted (waits while the deployment's queue is full). */
  write(meta: LogMeta, stream: LogStream, lines: readonly LineInput[]): Promise<void> {
    if (this.closed) return Promise.reject(new CompartmentError('INTERNAL', 'log publisher is closed'));
    return this.batcher.write(meta, stream, lines);
  }

  /** A platform event (`compartment` stream): own queue, never behind the deployment's stdout. */
  event(meta: LogMeta, text: string, time = logTime()): Promise<void> {
    return this.write(meta, 'compartment', [{ time, text }]);
  }

  /** Resolves once every line written so far is stored in the stream. */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  /** Publishes what a finished deployment still holds and forgets its queues. */
  release(deploymentId: string): Promise<void> {
    return this.batcher.release(deploymentId);
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async send(batch: LogBatch): Promise<void> {
    // Leave room for headers (the message id) under the server's limit.
    const maxBytes = (this.conn.nc.info?.max_payload ?? 1024 * 1024) - 1024;
    for (const part of fitBatch(batch, maxBytes)) await this.sendOne(part.batch, part.payload);
  }

  private async sendOne(batch: LogBatch, payload: string): Promise<void> {
    const subject = subjects.logs(batch.environmentName, batch.serviceName, batch.deploymentId, batch.stream);
    // The id makes a retry after a lost ack a no-op on the server (within the stream's duplicate window).
    const msgID = `${this.prefix}-${++this.counter}`;
    // Bounded: a batch NATS could not take for giveUpAfterMs is given up (flush then reports it), never retried forever.
    await withBackoff(
      async () => {
        await this.conn.whenConnected();
        await this.conn.js.publish(subject, payload, { msgID, timeout: this.options.publishTimeoutMs ?? 5_000 });
      },
      {
        withinMs: this.options.giveUpAfterMs ?? 5 * 60_000,
        baseMs: 100,
        // A closed connection will never come back; waiting would hang flush() until the bound.
        retryable: () => !this.conn.nc.isClosed(),
        onRetry: (error, attempt) => this.options.onRetry?.(error as Error, attempt),
      },
    ).catch((error: Error) => {
      const why = this.conn.nc.isClosed() ? 'connection closed' : 'gave up after retrying';
      throw new CompartmentError('CLUSTER_UNAVAILABLE', `log publish failed, ${why}: ${error.message}`);
    });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
