// Starts a dashboard on a NATS connection: the live model, its events fanned out to every open page, the HTTP server.
import type { AddressInfo } from 'node:net';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { DashboardModel } from './dashboard-model.js';
import { DashboardActions } from './dashboard-actions.js';
import { createDashboardServer } from './dashboard.server.js';
import { StreamSet } from './event-stream.js';
import { DashboardGuard } from './dashboard-guard.js';
import { tokenUrl } from './dashboard-token.js';

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
  /** Every API call needs it (a cookie after the first visit); at least 32 characters. */
  token: string;
  warn(message: string, error?: unknown): void;
}

export interface Dashboard {
  /** Where it answers, without the token: `http://127.0.0.1:7070`. */
  readonly url: string;
  /** The URL to open: with `?token=`, which the first visit trades for a cookie. */
  readonly openUrl: string;
  close(): Promise<void>;
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const model = new DashboardModel(opts.conn, opts.warn);
  const events = new StreamSet();
  const actions = opts.actions
    ? new DashboardActions({
        conn: opts.conn,
        natsUrl: opts.natsUrl,
        ...(opts.childEnv ? { childEnv: opts.childEnv } : {}),
        projectDir: opts.projectDir,
        report: (e) => events.broadcast('action', e),
      })
    : null;
  model.subscribe((e) => {
    if (e.type === 'record') events.broadcast('record', e.record);
    else if (e.type === 'removed') events.broadcast('removed', { id: e.id });
    else if (e.type === 'transition') events.broadcast('transition', e.report);
    else events.broadcast('hello', { ready: e.connected });
  });
  model.start();
  let guard: DashboardGuard | null = null;
  const server = createDashboardServer({
    conn: opts.conn,
    natsUrl: opts.natsUrl,
    model,
    actions,
    events,
    guard: () => guard!,
    warn: opts.warn,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  guard = new DashboardGuard(opts.token, opts.host, port);
  // Listening on every address: the URL names loopback, an address browsers open and the Host check accepts.
  const shown = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  const host = shown.includes(':') ? `[${shown}]` : shown;
  const url = `http://${host}:${port}`;
  return {
    url,
    openUrl: tokenUrl(url, opts.token),
    close: async () => {
      actions?.stop();
      events.closeAll();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await model.close();
    },
  };
}
