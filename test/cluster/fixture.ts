// Shared setup of the cluster tests: a real nats-server, a connection, the buckets, and valid records to store.
import { startNatsServer, type NatsServer } from '../harness/nats-server.js';
import {
  connectCluster,
  ensureCluster,
  type ClusterConnection,
  type EnsureClusterOptions,
} from '../../cluster/index.js';
import type { DeploymentRecord, RouteRecord } from '../../packages/protocol/index.js';
import { makeRecord } from '../harness/records.js';

export interface Fixture {
  server: NatsServer;
  conn: ClusterConnection;
  /** Another connection (a second node), closed by dispose. */
  connect(name?: string): Promise<ClusterConnection>;
  dispose(): Promise<void>;
}

export async function startFixture(options: EnsureClusterOptions = {}): Promise<Fixture> {
  const server = await startNatsServer();
  const extra: ClusterConnection[] = [];
  let conn: ClusterConnection | null = null;
  const dispose = async () => {
    await Promise.all([conn, ...extra].map((c) => c?.close().catch(() => {})));
    await server.dispose();
  };
  try {
    conn = await connectCluster({ servers: server.url, name: 'test' });
    await ensureCluster(conn, options);
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    server,
    conn,
    connect: async (name = 'test-extra') => {
      const c = await connectCluster({ servers: server.url, name });
      extra.push(c);
      return c;
    },
    dispose,
  };
}

let counter = 0;
export function newId(): string {
  return `d${Date.now().toString(36)}${(counter++).toString(36).padStart(4, '0')}`;
}

/** A valid record with this file's defaults (no node, an empty timeline, ids from newId). */
export function record(overrides: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return makeRecord({ id: newId(), nodeId: null, fingerprint: 'f1', stages: [], ...overrides });
}

export function route(overrides: Partial<RouteRecord> = {}): RouteRecord {
  return {
    environmentName: 'production',
    serviceName: 'web',
    port: null,
    deploymentId: null,
    upstreams: [],
    previousId: null,
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}
