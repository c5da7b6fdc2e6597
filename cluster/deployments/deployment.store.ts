// Deployment records and actor snapshots in KV: create, compare-and-swap update, find by id, list, watch, remove.
import type { KV } from '@nats-io/kv';
import {
  BUCKETS,
  CompartmentError,
  DEPLOYMENT_ID_PATTERN,
  NAME_PATTERN,
  keys,
  parseWith,
} from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import {
  changeOf,
  lastKv,
  parseEntry,
  readAllKv,
  rethrowKv,
  watchKv,
  type KvWatcher,
  type Parsed,
  type RawEntry,
} from '../kv/index.js';
import {
  StoredDeploymentSchema,
  deploymentKeyOf,
  splitKey,
  type DeploymentChange,
  type StoredDeployment,
  type Versioned,
} from './stored-deployment.schema.js';

/** The schema's output is the stored shape (its machine snapshot typed as the machine persists it). */
const parse = (entry: RawEntry) => parseEntry(entry, StoredDeploymentSchema) as Parsed<StoredDeployment>;

function readValid(entry: RawEntry): Versioned<StoredDeployment> {
  const parsed = parse(entry);
  if (!parsed.ok) throw new CompartmentError('INTERNAL', `stored deployment ${entry.key} is invalid: ${parsed.error}`);
  return { key: entry.key, revision: entry.revision, value: parsed.value };
}

function encode(value: StoredDeployment): string {
  // Validate on the way in too: a bad write would make every later read of the key fail.
  const checked = parseWith(StoredDeploymentSchema, value, 'INVALID_ARGUMENT');
  return JSON.stringify(checked);
}

export interface DeploymentFilter {
  env?: string;
  service?: string;
}

export class DeploymentStore {
  private constructor(
    private readonly conn: ClusterConnection,
    private readonly kv: KV,
  ) {}

  static async open(conn: ClusterConnection): Promise<DeploymentStore> {
    return new DeploymentStore(conn, await conn.kvm.open(BUCKETS.deployments));
  }

  /** Writes a new deployment; CONFLICT if its key already exists. Returns the revision. */
  async create(value: StoredDeployment): Promise<number> {
    const key = deploymentKeyOf(value);
    const data = encode(value);
    await this.conn.whenConnected();
    return this.kv.create(key, data).catch((e) => rethrowKv(e, `deployment ${value.record.id} already exists`));
  }

  /** Compare-and-swap: succeeds only if the key is still at `expectedRevision`, else CONFLICT. */
  async update(value: StoredDeployment, expectedRevision: number): Promise<number> {
    const key = deploymentKeyOf(value);
    const data = encode(value);
    await this.conn.whenConnected();
    return this.kv
      .update(key, data, expectedRevision)
      .catch((e) => rethrowKv(e, `deployment ${value.record.id} changed since revision ${expectedRevision}`));
  }

  /** Finds a deployment by id alone (environment and service unknown); null when there is none. */
  async get(id: string): Promise<Versioned<StoredDeployment> | null> {
    if (!DEPLOYMENT_ID_PATTERN.test(id))
      throw new CompartmentError('INVALID_ARGUMENT', `${JSON.stringify(id)} is not a deployment id`, 'id');
    const entry = await lastKv(this.conn, BUCKETS.deployments, keys.deploymentById(id)).catch((e) => rethrowKv(e, ''));
    return entry ? readValid(entry) : null;
  }

  /** Every deployment (optionally of one environment and/or service). Invalid entries are skipped and reported. */
  async list(
    filter: DeploymentFilter = {},
    onInvalid?: (key: string, error: string) => void,
  ): Promise<Versioned<StoredDeployment>[]> {
    for (const [field, name] of [
      ['env', filter.env],
      ['service', filter.service],
    ] as const) {
      if (name !== undefined && !NAME_PATTERN.test(name))
        throw new CompartmentError('INVALID_ARGUMENT', `invalid ${field} name ${JSON.stringify(name)}`, field);
    }
    const entries = await readAllKv(
      this.conn,
      BUCKETS.deployments,
      keys.deploymentsOf(filter.env, filter.service),
    ).catch((e) => rethrowKv(e, ''));
    const out: Versioned<StoredDeployment>[] = [];
    for (const entry of entries) {
      const parsed = parse(entry);
      if (parsed.ok) out.push({ key: entry.key, revision: entry.revision, value: parsed.value });
      else onInvalid?.(entry.key, parsed.error);
    }
    return out;
  }

  /**
   * Every existing deployment (`initial: true`, then `ready` resolves), then every change as it happens.
   * Nodes build their in-memory index from this instead of listing the bucket for each status call.
   */
  watch(onChange: (change: DeploymentChange) => void, onError?: (error: Error) => void): KvWatcher {
    return watchKv(this.conn, BUCKETS.deployments, keys.deploymentsOf(), {
      onEntry: (entry, initial) => {
        const change = changeOf(entry, initial, parse);
        onChange(change.type === 'delete' ? { ...change, ...splitKey(change.key) } : change);
      },
      onError,
    });
  }

  /** Deletes a deployment (watchers see a delete); with `expectedRevision`, only if unchanged since. */
  async remove(value: StoredDeployment, expectedRevision?: number): Promise<void> {
    const key = deploymentKeyOf(value);
    await this.conn.whenConnected();
    await this.kv
      .delete(key, expectedRevision === undefined ? undefined : { previousSeq: expectedRevision })
      .catch((e) => rethrowKv(e, `deployment ${value.record.id} changed since revision ${expectedRevision}`));
  }
}
