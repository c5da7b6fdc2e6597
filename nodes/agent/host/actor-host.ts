// Hosts deployment actors on this node: creates and restores them, persists every transition, and delivers events.
// A serving deployment with nothing in flight sleeps: its record and its supervision stay, its actor goes, and the
// next event for it wakes the actor from its stored snapshot (the statechart decides that transition as any other).
import type { Actor } from 'xstate';
import type { DeploymentRecord, Trigger } from '../../../packages/protocol/index.js';
import {
  toRecord,
  regionPaths,
  errorText,
  canSleep,
  isDormant,
  type DeploymentMachine,
  type DeploymentSpec,
  type DeploymentEvent,
  type WorkloadInput,
} from '../../../machines/deployment/index.js';
import type { DeploymentStore, StoredDeployment } from '../../../cluster/deployments/index.js';
import { detachedRunOf } from '../effects/effect-kit.js';
import { KeptSupervisions } from './kept-supervisions.js';
import { hostActor, newActor, restoredActor, type Arrival, type Hosted, type HostedPort } from './hosted-actor.js';
import { SleepingActors, type Asleep } from './sleeping-actors.js';
import { readStored, storeFailure } from './stored-failure.js';
import { checkSnapshot, persistSnapshot } from './snapshot-check.js';
import { transitionStored, type Transitioned } from './stored-transition.js';
import { TransitionJournal, eventData, type TransitionReport } from './transition-journal.js';

export type { TransitionReport } from './transition-journal.js';
export { setActorInspector } from './hosted-actor.js';

/** How long an orderly stop waits for pending record writes. */
const STOP_FLUSH_MS = 15_000;

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
  private readonly asleep = new SleepingActors();
  /** Null when the machine's supervision cannot run detached (e.g. plain fakes): serving actors then stay awake. */
  private readonly supervisions: KeptSupervisions | null;
  private readonly machine: DeploymentMachine;
  /** Being created or woken here: its own write's echo from the KV watch must not start a second actor. */
  private readonly claimed = new Set<string>();
  private readonly journal: TransitionJournal;

  constructor(
    private readonly nodeId: string,
    machine: DeploymentMachine,
    private readonly store: DeploymentStore,
    private readonly hooks: HostHooks,
    private readonly platformLines: (before: DeploymentRecord | null, after: DeploymentRecord) => string[],
  ) {
    this.journal = new TransitionJournal(nodeId);
    const supervise = detachedRunOf<WorkloadInput>(machine.implementations.actors.superviseWorkload);
    this.supervisions = supervise ? new KeptSupervisions(supervise, (id, event) => this.wakeFor(id, event)) : null;
    this.machine = this.supervisions
      ? machine.provide({ actors: { superviseWorkload: this.supervisions.logic() } })
      : machine;
  }

  /** The transitions this node reported for a deployment (bounded, since this agent started), or null. */
  transitionsOf(id: string): TransitionReport[] | null {
    return this.journal.of(id);
  }

  /** Deployments hosted here, awake or asleep. */
  get size(): number {
    return this.hosted.size + this.asleep.size;
  }

  /** Hosted deployments with a live actor (the rest sleep). */
  get awake(): number {
    return this.hosted.size;
  }

  isHosted(id: string): boolean {
    return this.hosted.has(id) || this.asleep.has(id) || this.claimed.has(id);
  }

  /** Persists a new deployment (failing if its id exists), then starts its actor. */
  async create(spec: DeploymentSpec, trigger: Trigger = 'deploy'): Promise<DeploymentRecord> {
    const actor = newActor(this.machine, spec, trigger);
    const record = toRecord(actor.getSnapshot());
    this.claimed.add(spec.id);
    try {
      const revision = await this.store.create({ record, snapshot: persistSnapshot(actor), owner: this.nodeId });
      this.hooks.platformLog(record, this.platformLines(null, record));
      this.start(spec.id, actor, revision, record, 'created');
    } finally {
      this.claimed.delete(spec.id);
    }
    return record;
  }

  /** Hosts every deployment this node owns that still has something to run (after a restart). */
  async restoreOwned(stored: Array<{ revision: number; value: StoredDeployment }>): Promise<number> {
    let restored = 0;
    for (const { revision, value } of stored) {
      if (value.owner !== this.nodeId || this.isHosted(value.record.id)) continue;
      if (isDormant(value.record.state.stage)) continue;
      // Already failed by a check like the one below: nothing left to run.
      if (value.snapshot === null && value.record.status === 'failed') continue;
      const check = checkSnapshot(value.snapshot);
      if (!check.ok) {
        await this.failHosted(value.record.id, `cannot be restored: ${check.message}`);
        continue;
      }
      this.start(value.record.id, this.restore(value.snapshot), revision, value.record, 'restored');
      restored += 1;
    }
    return restored;
  }

  /**
   * Delivers an event to a deployment: to its actor when hosted here, else as a pure transition of its
   * stored snapshot (compare-and-swap); if that wakes it (e.g. a rollback promotes it), it is hosted here.
   */
  async deliver(id: string, event: DeploymentEvent): Promise<DeploymentRecord> {
    const local = this.hosted.get(id) ?? (this.asleep.has(id) ? await this.wake(id) : null);
    if (local) {
      local.actor.send(event);
      this.sleepWhenIdle(id, local);
      return toRecord(local.actor.getSnapshot());
    }
    this.claimed.add(id);
    try {
      const t = await this.applyUnhosted(id, event, this.nodeId);
      if (!isDormant(t.record.state.stage)) this.start(id, this.restore(t.persisted), t.revision, t.record, 'woken');
      return t.record;
    } finally {
      this.claimed.delete(id);
    }
  }

  /**
   * Applies an event to a deployment no actor runs (its stored snapshot, compare-and-swap), logging and reporting it
   * like any transition, without hosting it here: `owner` null leaves it to no one (its node was lost).
   */
  async applyUnhosted(id: string, event: DeploymentEvent, owner: string | null): Promise<Transitioned> {
    const t = await transitionStored(this.machine, this.store, id, event, owner);
    this.hooks.platformLog(t.record, this.platformLines(t.before, t.record));
    this.report({
      id,
      event: event.type,
      raised: [],
      data: eventData(event),
      before: t.before.state,
      after: t.record.state,
      at: event.at,
    });
    return t;
  }

  /** Moves whenever a hosted record changes or a deployment is hosted or let go (what recordOf answers changed). */
  changes = 0;

  /** The live record of a hosted deployment. */
  recordOf(id: string): DeploymentRecord | null {
    const h = this.hosted.get(id);
    return h ? toRecord(h.actor.getSnapshot()) : this.asleep.recordOf(id);
  }

  /** Stops every actor and supervision (their workloads keep running) after writing what is pending. */
  async stopAll(): Promise<void> {
    const all = [...this.hosted.values()];
    this.hosted.clear();
    for (const id of this.asleep.clear()) this.supervisions?.stop(id);
    for (const h of all) h.actor.stop();
    // Bounded: with NATS gone for good a stop must still end (a write is retried while NATS is only slow).
    await Promise.all(all.map((h) => h.writer.close(STOP_FLUSH_MS)));
  }

  /** Ids of hosted deployments, awake or asleep. */
  ids(): string[] {
    return [...this.hosted.keys(), ...this.asleep.ids()];
  }

  private restore(snapshot: unknown): Actor<DeploymentMachine> {
    return restoredActor(this.machine, snapshot);
  }

  private report(report: Omit<TransitionReport, 'seq' | 'nodeId'>): void {
    this.hooks.transition(this.journal.add(report));
  }

  private start(
    id: string,
    actor: Actor<DeploymentMachine>,
    revision: number,
    last: DeploymentRecord,
    arrival: Arrival,
  ): Hosted {
    // A deployment is hosted once: an adoption from the KV watch can race a local create or wake-up.
    const existing = this.hosted.get(id);
    if (existing) return existing;
    const hosted = hostActor(this.portFor(id), id, actor, revision, last, arrival);
    this.hosted.set(id, hosted);
    this.changes++;
    // Woken for an event: it is given the event first, and may sleep again after.
    if (arrival !== 'awake') this.sleepWhenIdle(id, hosted);
    return hosted;
  }

  private portFor(id: string): HostedPort {
    return {
      store: this.store,
      nodeId: this.nodeId,
      recorded: (hosted, record, before) => {
        this.changes++;
        this.hooks.platformLog(record, this.platformLines(before, record));
        void hosted.writer.schedule().then(() => this.hooks.changed?.(record));
        if (isDormant(record.state.stage)) void hosted.writer.flushed().then(() => this.unhost(id, hosted));
        else this.sleepWhenIdle(id, hosted);
      },
      lost: (message) => this.release(id, message),
      failed: (message) => void this.failHosted(id, message),
      report: (r) => this.report({ id, ...r }),
      warn: this.hooks.warn,
    };
  }

  /** Once its writes are stored, a deployment that only supervises goes to sleep (see `KeptSupervisions`). */
  private sleepWhenIdle(id: string, hosted: Hosted): void {
    const supervisions = this.supervisions;
    if (!supervisions) return;
    const sleep = () => {
      if (this.hosted.get(id) !== hosted || !hosted.writer.idle) return;
      if (!canSleep(regionPaths(hosted.actor.getSnapshot()).stage)) return;
      this.hosted.delete(id);
      supervisions.keepWhile(id, () => hosted.actor.stop());
      this.asleep.add(id, hosted.last, hosted.writer.currentRevision);
    };
    if (!canSleep(regionPaths(hosted.actor.getSnapshot()).stage)) return;
    // Nothing to write (a restored one, an event that changed nothing): at once, so a restore never holds every actor.
    if (hosted.writer.idle) sleep();
    else void hosted.writer.flushed().then(sleep);
  }

  /** What a sleeping deployment's supervision reports: the actor wakes and is given it, in the order reported. */
  private wakeFor(id: string, event: DeploymentEvent): void {
    this.wake(id).then(
      (hosted) => {
        if (!hosted) return this.hooks.warn(`deployment ${id} is no longer hosted here; ${event.type} dropped`);
        hosted.actor.send(event);
        this.sleepWhenIdle(id, hosted);
      },
      (error) => this.hooks.warn(`could not wake deployment ${id} for ${event.type}`, error),
    );
  }

  /** The live actor of a hosted deployment, woken from its stored snapshot if it sleeps; null if it is no longer ours. */
  private wake(id: string): Promise<Hosted | null> {
    return this.asleep.wake(id, (asleep) => this.rehydrate(id, asleep)) ?? Promise.resolve(this.hosted.get(id) ?? null);
  }

  private async rehydrate(id: string, asleep: Asleep): Promise<Hosted | null> {
    const stored = await readStored(this.store, id, () => this.asleep.isCurrent(id, asleep), this.hooks.warn);
    if (!this.asleep.isCurrent(id, asleep)) return this.hosted.get(id) ?? null;
    this.asleep.take(id);
    // Written by someone else meanwhile (its node was declared lost, or it was deleted): no longer ours to run.
    if (!stored || stored.value.owner !== this.nodeId) {
      this.supervisions?.stop(id);
      this.changes++;
      this.hooks.warn(
        `deployment ${id} changed while it slept here (now owned by ${stored?.value.owner ?? 'none'}); no longer hosting it here`,
      );
      return null;
    }
    const check = checkSnapshot(stored.value.snapshot);
    if (!check.ok) {
      this.supervisions?.stop(id);
      this.changes++;
      await this.failHosted(id, `cannot be woken: ${check.message}`);
      return null;
    }
    return this.start(id, this.restore(stored.value.snapshot), stored.revision, stored.value.record, 'awake');
  }

  private unhost(id: string, hosted: Hosted): void {
    if (this.hosted.get(id) !== hosted) return;
    this.hosted.delete(id);
    this.changes++;
    hosted.actor.stop();
  }

  /** Stops the actor and stores the deployment as failed with `message` (its workload is left to the node-loss rules). */
  private async failHosted(id: string, message: string): Promise<void> {
    const h = this.hosted.get(id);
    this.hooks.warn(`deployment ${id}: ${message}`);
    if (h) this.unhost(id, h);
    try {
      const record = await storeFailure(this.store, id, message, this.nodeId);
      if (record) this.hooks.platformLog(record, this.platformLines(h?.last ?? null, record));
    } catch (error) {
      this.hooks.warn(`could not store deployment ${id} as failed`, error);
    }
  }

  private release(id: string, why: string): void {
    const h = this.hosted.get(id);
    if (!h) return;
    this.hooks.warn(`${why}; no longer hosting it here`);
    this.unhost(id, h);
  }
}
