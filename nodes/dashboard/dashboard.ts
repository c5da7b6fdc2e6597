// Starts a dashboard on a NATS connection: the live model, its events fanned out to every open page, the HTTP server.
import type { AddressInfo } from 'node:net';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { DashboardModel } from './dashboard-model.js';
import { DashboardActions } from './dashboard-actions.js';
import { createDashboardServer } from './dashboard.server.js';
import { StreamSet } from './event-stream.js';

export interface DashboardOptions {
  conn: ClusterConnection;
  /** Shown on the page, and given to the deploys it starts. */
  natsUrl: string;
  /** Environment for the CLI the deploy button runs (its credentials file). */
  childEnv?: Record<string, string>;
  host: string;
  /** 0: any free port. */
  port: number;
  /** Deploy and rollback buttons; off means read-only. */
  actions: boolean;
  /** Where deploys from the page run; null: rollback only. */
  projectDir: string | null;
  warn(message: string, error?: unknown): void;
}

export interface Dashboard {
  readonly url: string;
  close(): Promise<void>;
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const model = new DashboardModel(opts.conn, opts.warn);
  const events = new StreamSet();
  const actions = opts.actions
    ? new DashboardActions({ conn: opts.conn, natsUrl: opts.natsUrl, ...(opts.childEnv ? { childEnv: opts.childEnv } : {}), projectDir: opts.projectDir, report: (e) => events.broadcast('action', e) })
    : null;
  model.subscribe((e) => {
    if (e.type === 'record') events.broadcast('record', e.record);
    else if (e.type === 'removed') events.broadcast('removed', { id: e.id });
    else if (e.type === 'transition') events.broadcast('transition', e.report);
    else events.broadcast('hello', { ready: e.connected });
  });
  model.start();
  const server = createDashboardServer({ conn: opts.conn, natsUrl: opts.natsUrl, model, actions, events, warn: opts.warn });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: async () => {
      actions?.stop();
      events.closeAll();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await model.close();
    },
  };
}
