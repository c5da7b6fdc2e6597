// Every deployment's latest record in memory, kept current by a KV watch: status and planning never scan KV.
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import type { DeploymentStore, DeploymentChange } from '../../cluster/deployments/index.js';
import type { KvWatcher } from '../../cluster/kv/index.js';

export interface IndexedDeployment {
  record: DeploymentRecord;
  owner: string | null;
  revision: number;
}

/** Revisions kept per recently changed deployment, and how many deployments keep them (least recently changed go). */
const TRAIL_PER_ID = 8;
const TRAIL_IDS = 1_000;
/** Deletions remembered for `feed`: a caller whose cursor is older than the first one forgotten reads everything again. */
const TOMBSTONES = 1_000;

export interface Tombstone {
  id: string;
  environmentName: string;
  revision: number;
}

export class DeploymentIndex {
  private readonly byId = new Map<string, IndexedDeployment>();
  private watcher: KvWatcher | null = null;
  private readonly listeners = new Set<() => void>();
  /** The last few revisions of recently changed deployments: a `watch` hands over every change, not only the newest. */
  private readonly trail = new Map<string, IndexedDeployment[]>();
  /** Moves with every change applied: answers built from the index are current while it stays put. */
  version = 0;
  /** The newest KV revision applied: the watch delivers in revision order, so every change up to it is known. */
  revision = 0;
  /** Every deletion after this revision is in `tombstones`: before the index was read, or forgotten, they are not. */
  horizon = 0;
  private readonly tombstones: Tombstone[] = [];
  /** Called with every newer stored value: the agent adopts deployments placed on it from here. */
  onPut: ((change: Extract<DeploymentChange, { type: 'put' }>) => void) | null = null;
  /** Called with the record as it was known before each newer stored value (null on a first sighting). */
  onChange: ((previous: DeploymentRecord | null, change: Extract<DeploymentChange, { type: 'put' }>) => void) | null =
    null;

  /** Resolves once every existing deployment has been read. */
  async start(store: DeploymentStore, onError: (error: Error) => void): Promise<void> {
    let initialDone!: () => void;
    const ready = new Promise<void>((r) => (initialDone = r));
    this.watcher = store.watch((change) => this.apply(change), onError);
    void this.watcher.ready.then(() => initialDone());
    await ready;
    // Deletion markers may have been purged from the bucket before we read it: trust only what we see from now on.
    this.horizon = this.revision;
  }

  async stop(): Promise<void> {
    await this.watcher?.stop();
  }

  /** Applies a change unless it is older than what is known (a local write can arrive before its watch echo). */
  apply(change: DeploymentChange): void {
    this.revision = Math.max(this.revision, change.revision);
    if (change.type === 'delete') {
      this.trail.delete(change.id);
      this.bury({ id: change.id, environmentName: change.environmentName, revision: change.revision });
      this.byId.delete(change.id);
      this.changed();
      return;
    }
    if (change.type !== 'put') return;
    const known = this.byId.get(change.value.record.id);
    if (known && known.revision >= change.revision) return;
    const entry = { record: change.value.record, owner: change.value.owner, revision: change.revision };
    this.byId.set(entry.record.id, entry);
    this.remember(entry);
    this.changed();
    this.onPut?.(change);
    this.onChange?.(known?.record ?? null, change);
  }

  /** Told after every change applied: a waiting `watch` request wakes on it. Returns the way to stop listening. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The indexed revisions of `id` newer than `revision`, oldest first: the recent ones kept, else the newest alone.
   * A first look (`revision` 0) gets the newest alone, as a KV watch delivers the current value first.
   */
  since(id: string, revision: number): IndexedDeployment[] {
    const latest = this.byId.get(id);
    if (!latest || latest.revision <= revision) return [];
    if (revision === 0) return [latest];
    const kept = (this.trail.get(id) ?? []).filter((e) => e.revision > revision);
    return kept.at(-1) === latest ? kept : [latest];
  }

  /** Deletions after `revision`, oldest first. */
  deletedSince(revision: number): Tombstone[] {
    return this.tombstones.filter((t) => t.revision > revision);
  }

  private bury(tombstone: Tombstone): void {
    this.tombstones.push(tombstone);
    if (this.tombstones.length > TOMBSTONES) this.horizon = Math.max(this.horizon, this.tombstones.shift()!.revision);
  }

  private remember(entry: IndexedDeployment): void {
    const id = entry.record.id;
    const list = this.trail.get(id) ?? [];
    this.trail.delete(id);
    this.trail.set(id, [...list.slice(1 - TRAIL_PER_ID), entry]);
    if (this.trail.size > TRAIL_IDS) this.trail.delete(this.trail.keys().next().value!);
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }

  entries(): IndexedDeployment[] {
    return [...this.byId.values()];
  }

  get(id: string): IndexedDeployment | null {
    return this.byId.get(id) ?? null;
  }

  list(filter: { env?: string; service?: string } = {}): DeploymentRecord[] {
    const out: DeploymentRecord[] = [];
    for (const { record } of this.byId.values()) {
      if (filter.env !== undefined && record.environmentName !== filter.env) continue;
      if (filter.service !== undefined && record.serviceName !== filter.service) continue;
      out.push(record);
    }
    return out;
  }

  get size(): number {
    return this.byId.size;
  }
}
