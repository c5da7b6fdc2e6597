// Batches log lines per (deployment, stream) and bounds what is queued per deployment, so producers wait instead of lines being dropped.
import { logTime, type LogBatch, type LogStream } from '../../packages/protocol/index.js';

export interface LogMeta {
  deploymentId: string;
  serviceName: string;
  environmentName: string;
  nodeId: string | null;
}

export type LineInput = string | { time: string; text: string };

export interface BatcherOptions {
  /**
   * While its deployment's publishes are all busy, a batch waits at most this long for more lines. With a publish
   * slot free it goes on the next turn instead, and a publish that completes sends what gathered meanwhile: a quiet
   * service's line reaches followers in one round trip, a loud one's batches grow with the round trip.
   */
  flushMs: number;
  /** The same for platform events: few and wanted at once (a follower waits for "stage: active"). */
  eventFlushMs: number;
  maxBatchLines: number;
  /** Approximate encoded size at which a batch is sealed early (keep well under the server's max_payload). */
  maxBatchBytes: number;
  /** Longer lines are cut here, so one line can never exceed a message. */
  maxLineChars: number;
  /** Publishes outstanding at once per deployment (and separately for its platform events). */
  maxInFlight: number;
  /** Sealed batches waiting for a publish slot before `write` stops resolving at once. */
  maxQueued: number;
}

/** Sends one batch; resolves once the server has it. Retrying is its job: the batcher never drops a batch. */
export type SendBatch = (batch: LogBatch) => Promise<void>;

const LINE_OVERHEAD = 48; // {"time":"2026-04-24T10:01:00.000Z","text":""},

/** One deployment's publishing budget. stdout and stderr share one; platform events have their own. */
class Flow {
  inFlight = 0;
  /** Set when a send gave up (the connection closed for good); flush reports it. */
  failure: Error | null = null;
  readonly queue: LogBatch[] = [];
  private waiters: Array<() => void> = [];
  private idle: Array<() => void> = [];
  /** The open batches that feed this flow: sealed as soon as a publish slot frees up. */
  readonly lanes = new Set<Lane>();
  constructor(
    private readonly options: BatcherOptions,
    private readonly send: SendBatch,
  ) {}

  enqueue(batch: LogBatch): void {
    this.queue.push(batch);
    this.pump();
  }

  /** Resolves when the queue is short enough for a producer to go on. */
  room(): Promise<void> {
    if (this.queue.length <= this.options.maxQueued) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A slot is free and nothing waits for it: a batch sealed now is sent at once. */
  get free(): boolean {
    return this.queue.length === 0 && this.inFlight < this.options.maxInFlight;
  }

  /** Resolves when nothing is queued or in flight. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      this.inFlight++;
      this.send(batch)
        .catch((error: Error) => (this.failure = error))
        .finally(() => {
          this.inFlight--;
          if (this.queue.length === 0) for (const lane of this.lanes) lane.seal();
          this.pump();
          this.settle();
        });
    }
    this.settle();
  }

  private settle(): void {
    if (this.queue.length <= this.options.maxQueued && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
    if (this.queue.length === 0 && this.inFlight === 0 && this.idle.length > 0) {
      const idle = this.idle;
      this.idle = [];
      for (const w of idle) w();
    }
  }
}

/** The open (not yet sealed) batch of one (deployment, stream). */
class Lane {
  lines: Array<{ time: string; text: string }> = [];
  bytes = 0;
  timer: NodeJS.Timeout | null = null;
  constructor(
    readonly meta: LogMeta,
    readonly stream: LogStream,
    readonly flow: Flow,
  ) {}

  seal(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.lines.length === 0) return;
    const { deploymentId, serviceName, environmentName, nodeId } = this.meta;
    this.flow.enqueue({ deploymentId, serviceName, environmentName, nodeId, stream: this.stream, lines: this.lines });
    this.lines = [];
    this.bytes = 0;
  }
}

export class LogBatcher {
  private readonly flows = new Map<string, Flow>();
  private readonly lanes = new Map<string, Lane>();
  constructor(
    private readonly options: BatcherOptions,
    private readonly send: SendBatch,
  ) {}

  /** Resolves once the lines are accepted; it waits (never drops) while the deployment's queue is full. */
  write(meta: LogMeta, stream: LogStream, lines: readonly LineInput[]): Promise<void> {
    const lane = this.lane(meta, stream);
    const now = logTime();
    const { maxBatchLines, maxBatchBytes, maxLineChars } = this.options;
    const flushMs = stream === 'compartment' ? this.options.eventFlushMs : this.options.flushMs;
    for (const input of lines) {
      let line = typeof input === 'string' ? { time: now, text: input } : input;
      if (line.text.length > maxLineChars)
        line = { time: line.time, text: `${line.text.slice(0, maxLineChars)}… [truncated]` };
      const size = line.text.length + LINE_OVERHEAD;
      if (lane.lines.length > 0 && (lane.lines.length >= maxBatchLines || lane.bytes + size > maxBatchBytes))
        lane.seal();
      lane.lines.push(line);
      lane.bytes += size;
    }
    // A free slot: wait only for the lines of this same turn (one read of the app's output), not for flushMs.
    if (lane.lines.length > 0 && !lane.timer) lane.timer = setTimeout(() => lane.seal(), lane.flow.free ? 0 : flushMs);
    return lane.flow.room();
  }

  /** Seals every open batch and resolves once everything written so far is published. */
  async flush(): Promise<void> {
    for (const lane of this.lanes.values()) lane.seal();
    const flows = [...this.flows.values()];
    await Promise.all(flows.map((f) => f.drained()));
    const failed = flows.find((f) => f.failure);
    if (failed) throw failed.failure;
  }

  /** Forgets a finished deployment's lanes after publishing what they hold. */
  async release(deploymentId: string): Promise<void> {
    const mine = [...this.lanes.entries()].filter(([, lane]) => lane.meta.deploymentId === deploymentId);
    for (const [, lane] of mine) lane.seal();
    const flows = [`${deploymentId}:out`, `${deploymentId}:events`]
      .map((k) => this.flows.get(k))
      .filter((f): f is Flow => !!f);
    await Promise.all(flows.map((f) => f.drained()));
    for (const [key, lane] of mine) {
      this.lanes.delete(key);
      lane.flow.lanes.delete(lane);
    }
    for (const key of [`${deploymentId}:out`, `${deploymentId}:events`]) {
      const flow = this.flows.get(key);
      if (flow && flow.queue.length === 0 && flow.inFlight === 0) this.flows.delete(key);
    }
  }

  private lane(meta: LogMeta, stream: LogStream): Lane {
    const key = `${meta.deploymentId}:${meta.nodeId ?? ''}:${stream}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      // Platform events get their own flow so a flood of stdout never delays "stage: active".
      const flowKey = `${meta.deploymentId}:${stream === 'compartment' ? 'events' : 'out'}`;
      let flow = this.flows.get(flowKey);
      if (!flow) {
        flow = new Flow(this.options, this.send);
        this.flows.set(flowKey, flow);
      }
      lane = new Lane(meta, stream, flow);
      this.lanes.set(key, lane);
      flow.lanes.add(lane);
    }
    return lane;
  }
}
