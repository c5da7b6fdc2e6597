// Writes one actor's record and snapshot to KV after its transitions: in order, compare-and-swap, coalescing bursts.
import { CompartmentError, type DeploymentRecord } from '../../../packages/protocol/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTransient, type DeploymentStore } from '../../../cluster/index.js';

export interface WriteSource {
  record(): DeploymentRecord;
  snapshot(): unknown;
}

export interface WriterHooks {
  /** Another writer changed the key: this node no longer owns the deployment. */
  lost(error: CompartmentError): void;
  /** A write failed for a reason retrying cannot fix (the value fails its schema): the deployment must fail. */
  failed(error: unknown): void;
  /** A transient failure (NATS unreachable); the write is retried. */
  retrying(error: unknown, attempt: number): void;
}

const RETRY_BASE_MS = 250;
/** Backoff is capped, not the number of attempts: the latest state lives only in memory until it is written. */
const RETRY_MAX_MS = 5_000;
/** Snapshots sent by writes whose answer never came, any of which may have landed after all. */
const UNCONFIRMED_KEPT = 16;

export class RecordWriter {
  private revision: number;
  private dirty = false;
  private running: Promise<void> | null = null;
  private unconfirmed: string[] = [];
  private abandoned = false;

  constructor(
    private readonly store: DeploymentStore,
    private readonly owner: string,
    revision: number,
    private readonly source: WriteSource,
    private readonly hooks: WriterHooks,
  ) {
    this.revision = revision;
  }

  get currentRevision(): number {
    return this.revision;
  }

  /** Nothing scheduled or being written: the stored value is the actor's latest. */
  get idle(): boolean {
    return this.running === null && !this.dirty;
  }

  /** Marks the actor changed; the latest state is written as soon as the previous write finished. */
  schedule(): Promise<void> {
    this.dirty = true;
    this.running ??= this.drain().finally(() => (this.running = null));
    return this.running;
  }

  /** Resolves once everything scheduled so far is written. */
  async flushed(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * The agent is stopping: waits up to `withinMs` for pending writes, then stops retrying (NATS may be down for
   * good). The KV record may then lag the actor; the restored actor re-runs its effect and writes it again.
   */
  async close(withinMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flushed(), new Promise<void>((r) => (timer = setTimeout(r, withinMs)))]);
    clearTimeout(timer);
    this.abandoned = true;
  }

  private async drain(): Promise<void> {
    let delay = RETRY_BASE_MS;
    for (let attempt = 1; this.dirty; attempt++) {
      this.dirty = false;
      const value = { record: this.source.record(), snapshot: this.source.snapshot(), owner: this.owner };
      try {
        this.revision = await this.store.update(value, this.revision);
        this.unconfirmed = [];
        delay = RETRY_BASE_MS;
      } catch (error) {
        if (error instanceof CompartmentError && error.code === 'CONFLICT') {
          // A write that timed out during a NATS stall may have been applied once the server resumed: adopt it.
          if (await this.adoptLanded(value.record.id)) {
            this.dirty = true;
            continue;
          }
          this.hooks.lost(error);
          return;
        }
        if (!isTransient(error)) {
          this.hooks.failed(error);
          return;
        }
        this.unconfirmed = [...this.unconfirmed, JSON.stringify(value.snapshot)].slice(-UNCONFIRMED_KEPT);
        if (this.abandoned) return;
        this.hooks.retrying(error, attempt);
        // Keep the change and write the then-latest state: the actor keeps running meanwhile.
        this.dirty = true;
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /** True when the stored value is one of ours whose answer was lost; its revision becomes ours. */
  private async adoptLanded(id: string): Promise<boolean> {
    if (this.unconfirmed.length === 0) return false;
    const stored = await this.store.get(id).catch(() => null);
    if (
      !stored ||
      stored.value.owner !== this.owner ||
      !this.unconfirmed.includes(JSON.stringify(stored.value.snapshot))
    )
      return false;
    this.revision = stored.revision;
    this.unconfirmed = [];
    return true;
  }
}
