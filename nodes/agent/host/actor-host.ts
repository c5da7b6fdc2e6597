// Hosts deployment actors on this node: creates and restores them, persists every transition, and delivers events.
import { createActor, transition, type Actor } from 'xstate';
import type { DeploymentRecord } from '../../../packages/protocol/index.js';
import { CompartmentError } from '../../../packages/protocol/index.js';
import { toRecord, regionPaths, type DeploymentMachine, type DeploymentSpec, type DeploymentEvent } from '../../../machines/deployment/index.js';
import type { DeploymentStore, StoredDeployment } from '../../../cluster/deployments/index.js';
import { isDormant } from './dormant.js';
import { RecordWriter } from './record-writer.js';

type Hosted = { actor: Actor<DeploymentMachine>; writer: RecordWriter; last: DeploymentRecord };

export interface TransitionReport {
  id: string;
  event: string;
  before: DeploymentRecord['state'] | null;
  after: DeploymentRecord['state'];
  at: string;
}

export interface HostHooks {
  /** Platform events for the compartment log stream. */
  platformLog(record: DeploymentRecord, lines: string[]): void;
  /** Every transition, for live inspection. */
  transition(report: TransitionReport): void;
  /** A hosted deployment's record changed (after it was written). */
  changed?(record: DeploymentRecord): void;
  warn(message: string, error?: unknown): void;
}

export class ActorHost {
  private readonly hosted = new Map<string, Hosted>();

  constructor(
    private readonly nodeId: string,
    private readonly machine: DeploymentMachine,
    private readonly store: DeploymentStore,
    private readonly hooks: HostHooks,
    private readonly platformLines: (before: DeploymentRecord | null, after: DeploymentRecord) => string[],
  ) {}

  get size(): number {
    return this.hosted.size;
  }

  isHosted(id: string): boolean {
    return this.hosted.has(id);
  }

  /** Persists a new deployment (failing if its id exists), then starts its actor. */
  async create(spec: DeploymentSpec): Promise<DeploymentRecord> {
    const actor = createActor(this.machine, { input: { spec } });
    const record = toRecord(actor.getSnapshot());
    const revision = await this.store.create({ record, snapshot: actor.getPersistedSnapshot(), owner: this.nodeId });
    this.hooks.platformLog(record, this.platformLines(null, record));
    this.start(spec.id, actor, revision, record);
    return record;
  }

  /** Hosts every deployment this node owns that still has something to run (after a restart). */
  async restoreOwned(stored: Array<{ revision: number; value: StoredDeployment }>): Promise<number> {
    let restored = 0;
    for (const { revision, value } of stored) {
      if (value.owner !== this.nodeId || this.hosted.has(value.record.id)) continue;
      if (isDormant(value.record.state.stage)) continue;
      this.start(value.record.id, this.restore(value.snapshot), revision, value.record);
      restored += 1;
    }
    return restored;
  }

  /**
   * Delivers an event to a deployment: to its actor when hosted here, else as a pure transition of its
   * stored snapshot (compare-and-swap); if that wakes it (e.g. a rollback promotes it), it is hosted here.
   */
  async deliver(id: string, event: DeploymentEvent): Promise<DeploymentRecord> {
    const local = this.hosted.get(id);
    if (local) {
      local.actor.send(event);
      return toRecord(local.actor.getSnapshot());
    }
    for (;;) {
      const stored = await this.store.get(id);
      if (!stored) throw new CompartmentError('DEPLOYMENT_NOT_FOUND', `no deployment ${id}`, 'id');
      const current = this.restore(stored.value.snapshot).getSnapshot();
      const [next] = transition(this.machine, current, event);
      const record = toRecord(next);
      const persisted = this.machine.getPersistedSnapshot(next);
      try {
        const revision = await this.store.update({ record, snapshot: persisted, owner: this.nodeId }, stored.revision);
        this.hooks.platformLog(record, this.platformLines(stored.value.record, record));
        this.hooks.transition({ id, event: event.type, before: stored.value.record.state, after: record.state, at: event.at });
        if (!isDormant(record.state.stage)) this.start(id, this.restore(persisted), revision, record);
        return record;
      } catch (error) {
        if (!(error instanceof CompartmentError && error.code === 'CONFLICT')) throw error;
        // Changed underneath us (its own actor on another node wrote): read again and re-apply.
      }
    }
  }

  /** The live record of a hosted deployment. */
  recordOf(id: string): DeploymentRecord | null {
    const h = this.hosted.get(id);
    return h ? toRecord(h.actor.getSnapshot()) : null;
  }

  /** Stops every actor (their workloads keep running) after writing what is pending. */
  async stopAll(): Promise<void> {
    const all = [...this.hosted.values()];
    this.hosted.clear();
    for (const h of all) h.actor.stop();
    await Promise.all(all.map((h) => h.writer.flushed()));
  }

  /** Ids of hosted deployments. */
  ids(): string[] {
    return [...this.hosted.keys()];
  }

  /** An actor from a persisted snapshot (not started: nothing runs until `start`). */
  private restore(snapshot: unknown): Actor<DeploymentMachine> {
    return createActor(this.machine, { snapshot } as never);
  }

  private start(id: string, actor: Actor<DeploymentMachine>, revision: number, last: DeploymentRecord): void {
    const writer = new RecordWriter(
      this.store,
      this.nodeId,
      revision,
      { record: () => toRecord(actor.getSnapshot()), snapshot: () => actor.getPersistedSnapshot() },
      (error) => this.release(id, `another writer changed deployment ${id}: ${error.message}`),
      (error) => this.hooks.warn(`could not persist deployment ${id}`, error),
    );
    const hosted: Hosted = { actor, writer, last };
    this.hosted.set(id, hosted);
    actor.subscribe({
      next: (snapshot) => {
        const record = toRecord(snapshot);
        const before = hosted.last;
        hosted.last = record;
        if (record.updatedAt === before.updatedAt && JSON.stringify(record) === JSON.stringify(before)) return;
        this.hooks.platformLog(record, this.platformLines(before, record));
        void writer.schedule().then(() => this.hooks.changed?.(record));
        if (isDormant(regionPaths(snapshot).stage)) void writer.flushed().then(() => this.unhost(id, hosted));
      },
      error: (error) => this.hooks.warn(`deployment ${id} actor stopped with an error`, error),
    });
    actor.system.inspect({
      next: (ev) => {
        if (ev.type !== '@xstate.snapshot' || ev.actorRef !== actor) return;
        const snap = (ev as unknown as { snapshot: Parameters<typeof toRecord>[0] }).snapshot;
        const event = (ev as unknown as { event: { type: string; at?: string } }).event;
        const after = toRecord(snap);
        this.hooks.transition({ id, event: event.type, before: null, after: after.state, at: after.updatedAt });
      },
    });
    actor.start();
  }

  private unhost(id: string, hosted: Hosted): void {
    if (this.hosted.get(id) !== hosted) return;
    this.hosted.delete(id);
    hosted.actor.stop();
  }

  private release(id: string, why: string): void {
    const h = this.hosted.get(id);
    if (!h) return;
    this.hooks.warn(`${why}; no longer hosting it here`);
    this.unhost(id, h);
  }
}
