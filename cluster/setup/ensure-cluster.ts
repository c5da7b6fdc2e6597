// Creates, idempotently and race-safely, every bucket, object store and stream Compartment keeps its state in.
import { setTimeout as sleep } from 'node:timers/promises';
import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { BUCKETS, OBJECT_STORES, STREAMS, subjects, CompartmentError } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';

export const DEFAULT_LOG_MAX_AGE_MS = 7 * 24 * 3600_000;
export const DEFAULT_LOG_MAX_BYTES = 1024 ** 3;
/** Retries of a log publish carry a message id; the server drops duplicates seen within this window. */
export const LOG_DUPLICATE_WINDOW_MS = 120_000;

/** Heartbeat entries outlive a silent member by this much before the bucket drops them (liveness is judged sooner). */
export const HEARTBEAT_TTL_MS = 30_000;
/** The leader lease: a leader that stops renewing loses it after this long. */
export const LEADER_LEASE_MS = 4_000;

export interface EnsureClusterOptions {
  /** JetStream replicas of every bucket and stream (1 on a single server, 3 on a three-node cluster). */
  replicas?: number;
  logs?: { maxAgeMs?: number; maxBytes?: number };
}

export function logStreamConfig(options: EnsureClusterOptions = {}): StreamConfig {
  return {
    name: STREAMS.logs,
    subjects: [subjects.logsAll],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.logs?.maxAgeMs ?? DEFAULT_LOG_MAX_AGE_MS),
    max_bytes: options.logs?.maxBytes ?? DEFAULT_LOG_MAX_BYTES,
    duplicate_window: nanos(LOG_DUPLICATE_WINDOW_MS),
    num_replicas: options.replicas ?? 1,
  } as StreamConfig;
}

/**
 * Two processes creating the same stream at once can see "subjects overlap" or "already in use" from
 * the loser; what matters is that it exists afterwards, so a failed create is retried as an open.
 */
async function racing<T>(what: string, create: () => Promise<T>, exists: () => Promise<boolean>): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await create();
      return;
    } catch (error) {
      lastError = error;
      if (await exists().catch(() => false)) return;
      await sleep(50 * (attempt + 1));
    }
  }
  throw new CompartmentError('CLUSTER_UNAVAILABLE', `cannot create ${what}: ${(lastError as Error).message}`);
}

async function streamExists(conn: ClusterConnection, name: string): Promise<boolean> {
  try {
    await conn.jsm.streams.info(name);
    return true;
  } catch {
    return false;
  }
}

async function ensureLogStream(conn: ClusterConnection, options: EnsureClusterOptions): Promise<void> {
  const wanted = logStreamConfig(options);
  await racing(
    `stream ${wanted.name}`,
    () => conn.jsm.streams.add(wanted),
    () => streamExists(conn, wanted.name),
  );
  // Retention is operator policy: a later call with other limits changes them (replicas are left alone).
  const { config } = await conn.jsm.streams.info(wanted.name);
  if (config.max_age !== wanted.max_age || config.max_bytes !== wanted.max_bytes) {
    await conn.jsm.streams.update(wanted.name, { max_age: wanted.max_age, max_bytes: wanted.max_bytes });
  }
}

export async function ensureCluster(conn: ClusterConnection, options: EnsureClusterOptions = {}): Promise<void> {
  await conn.whenConnected();
  const replicas = options.replicas ?? 1;
  const buckets = [BUCKETS.deployments, BUCKETS.routes, BUCKETS.variables];
  await Promise.all([
    ...buckets.map((bucket) =>
      racing(
        `bucket ${bucket}`,
        () => conn.kvm.create(bucket, { history: 1, replicas, storage: StorageType.File }),
        () => streamExists(conn, `KV_${bucket}`),
      ),
    ),
    ...(
      [
        [BUCKETS.nodes, HEARTBEAT_TTL_MS],
        [BUCKETS.leader, LEADER_LEASE_MS],
        [BUCKETS.members, 0],
      ] as const
    ).map(([bucket, ttl]) =>
      racing(
        `bucket ${bucket}`,
        () => conn.kvm.create(bucket, { history: 1, replicas, storage: StorageType.File, ...(ttl ? { ttl } : {}) }),
        () => streamExists(conn, `KV_${bucket}`),
      ),
    ),
    racing(
      `object store ${OBJECT_STORES.sources}`,
      () => conn.objm.create(OBJECT_STORES.sources, { replicas, storage: StorageType.File }),
      () => streamExists(conn, `OBJ_${OBJECT_STORES.sources}`),
    ),
    ensureLogStream(conn, options),
  ]);
}
