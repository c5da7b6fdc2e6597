// Writes one actor's record and snapshot to KV after its transitions: in order, compare-and-swap, coalescing bursts.
import { CompartmentError, type DeploymentRecord } from '../../../packages/protocol/index.js';
import type { DeploymentStore } from '../../../cluster/deployments/index.js';

export interface WriteSource {
  record(): DeploymentRecord;
  snapshot(): unknown;
}

/** `onLost` is called when another writer changed the key: this node no longer owns the deployment. */
export class RecordWriter {
  private revision: number;
  private dirty = false;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: DeploymentStore,
    private readonly owner: string,
    revision: number,
    private readonly source: WriteSource,
    private readonly onLost: (error: CompartmentError) => void,
    private readonly onError: (error: unknown) => void,
  ) {
    this.revision = revision;
  }

  get currentRevision(): number {
    return this.revision;
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

  private async drain(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const value = { record: this.source.record(), snapshot: this.source.snapshot(), owner: this.owner };
      try {
        this.revision = await this.store.update(value, this.revision);
      } catch (error) {
        if (error instanceof CompartmentError && error.code === 'CONFLICT') {
          this.onLost(error);
          return;
        }
        this.onError(error);
        // A record that fails its own schema is a bug: retrying cannot help. Anything else is NATS being
        // unavailable for a moment: keep the change and try again; the actor keeps running meanwhile.
        if (error instanceof CompartmentError) continue;
        this.dirty = true;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }
}
