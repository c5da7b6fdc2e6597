// The dashboard's HTTP side: the page and its assets, a JSON API over the live model, and server-sent events.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { errorText, CompartmentError } from '../../packages/protocol/index.js';
import { deploymentChart } from '../../machines/deployment/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import type { DashboardModel } from './dashboard-model.js';
import type { DashboardActions } from './dashboard-actions.js';
import type { DashboardGuard } from './dashboard-guard.js';
import { openEventStream, type StreamSet } from './event-stream.js';
import { logTail, streamLogs } from './log-feed.js';
import { assetPath, serveAsset } from './static-assets.js';
import { callApi } from '../../cluster/api/index.js';

export interface ServerDeps {
  conn: ClusterConnection;
  natsUrl: string;
  model: DashboardModel;
  /** Null: read-only (no deploy or rollback from the page). */
  actions: DashboardActions | null;
  events: StreamSet;
  /** Made once the port is known (0 picks one), before the first request is answered. */
  guard(): DashboardGuard;
  warn(message: string, error?: unknown): void;
}

const STATE_PART = /^[a-z_]+(\.[a-z_]+)*$/;
const STATUS_OF_CODE: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  CONFIG_NOT_FOUND: 400,
  DEPLOYMENT_NOT_FOUND: 404,
  SERVICE_NOT_FOUND: 404,
  CONFLICT: 409,
  ROLLBACK_UNAVAILABLE: 409,
};

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new CompartmentError('INVALID_ARGUMENT', 'request body too large');
    chunks.push(chunk);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new CompartmentError('INVALID_ARGUMENT', 'the request body is not JSON');
  }
}

const LOCKED_PAGE = `<!doctype html><meta charset="utf-8"><title>Compartment dashboard</title>
<p>This dashboard needs its token: open the URL <code>compartment up</code> (or <code>compartment dashboard</code>) printed, the one with
<code>?token=</code> in it. A new <code>up</code> makes a new token.</p>`;

function locked(res: ServerResponse, page: boolean): void {
  if (!page)
    return json(res, 401, {
      error: {
        code: 'PERMISSION_DENIED',
        message: 'this dashboard needs its token: open the URL `compartment up` printed',
      },
    });
  res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(LOCKED_PAGE);
}

export function createDashboardServer(deps: ServerDeps): Server {
  const { model } = deps;
  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const guard = deps.guard();
    if (req.method === 'GET' && (path === '/' || path === '/index.html') && url.searchParams.has('token')) {
      // The printed URL: trade the token for a cookie and land on the clean URL, so the token leaves the address bar.
      if (!guard.tokenMatches(url.searchParams.get('token'))) return locked(res, true);
      res.writeHead(303, {
        location: '/',
        'set-cookie': guard.setCookie(),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
      });
      return void res.end();
    }
    const page = path === '/' || path === '/index.html';
    if ((page || path.startsWith('/api/') || path.startsWith('/events')) && !guard.authenticated(req))
      return locked(res, page);
    if (req.method === 'GET' && path === '/api/overview') {
      return json(res, 200, {
        nats: deps.natsUrl,
        ready: model.ready,
        actions: deps.actions ? { rollback: true, deploy: deps.actions.canDeploy } : null,
        deployments: model.list(),
      });
    }
    const detail = /^\/api\/deployments\/([a-z0-9]+)$/.exec(path);
    if (req.method === 'GET' && detail) {
      const deployment = model.get(detail[1]!);
      if (!deployment) throw new CompartmentError('DEPLOYMENT_NOT_FOUND', `no deployment ${detail[1]}`);
      // A route with domains: each with the certificate the edges hold (asked now; none when the API does not answer).
      const domains = deployment.routeUrl?.startsWith('https://')
        ? ((
            await callApi(
              deps.conn,
              'domains',
              { environment: deployment.environmentName, service: deployment.serviceName },
              5_000,
            ).catch(() => null)
          )?.domains ?? [])
        : [];
      return json(res, 200, { deployment, domains, ...(await model.transitions(deployment.id)) });
    }
    if (req.method === 'GET' && path === '/api/chart') {
      const state = {
        status: url.searchParams.get('status') ?? '',
        stage: url.searchParams.get('stage') ?? '',
        health: url.searchParams.get('health') ?? '',
      };
      const given = Object.values(state).some(Boolean);
      if (given && !Object.values(state).every((v) => STATE_PART.test(v)))
        throw new CompartmentError('INVALID_ARGUMENT', 'status, stage and health are state paths');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(deploymentChart('mermaid', given ? state : null));
    }
    if (req.method === 'GET' && path === '/api/logs') {
      return json(
        res,
        200,
        await logTail(deps.conn, url.searchParams.get('deployment'), Number(url.searchParams.get('tail') ?? 300)),
      );
    }
    if (req.method === 'GET' && path === '/events') {
      const stream = openEventStream(req, res);
      stream.send('hello', { ready: model.ready });
      return deps.events.add(stream);
    }
    if (req.method === 'GET' && path === '/events/logs') {
      const stream = openEventStream(req, res);
      return void streamLogs(
        deps.conn,
        url.searchParams.get('deployment'),
        Number(url.searchParams.get('from') ?? 1),
        stream,
      );
    }
    const action = /^\/api\/actions\/(deploy|rollback)$/.exec(path);
    if (req.method === 'POST' && action) {
      if (!deps.actions)
        return json(res, 403, {
          error: {
            code: 'PERMISSION_DENIED',
            message: 'read-only dashboard: start it with --actions to deploy or roll back from here',
          },
        });
      if (!guard.sameOrigin(req))
        return json(res, 403, {
          error: { code: 'PERMISSION_DENIED', message: 'actions are accepted from the dashboard page only' },
        });
      const body = await readJson(req);
      return action[1] === 'deploy'
        ? json(res, 202, deps.actions.deploy(body))
        : json(res, 200, await deps.actions.rollback(body));
    }
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { ok: true, ready: model.ready });
    const asset = req.method === 'GET' ? assetPath(path) : null;
    if (asset && (await serveAsset(asset, res))) return;
    json(res, 404, { error: { code: 'INVALID_ARGUMENT', message: `no such page: ${req.method} ${path}` } });
  };

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    // Framed by another page, the buttons could be clicked for someone; and no page of ours sends a Referer anywhere.
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', "frame-ancestors 'none'");
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    if (!deps.guard().hostAllowed(req)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('misdirected request: this dashboard answers only at the address it was started on\n');
    }
    route(req, res, url).catch((error: unknown) => {
      const e = error instanceof CompartmentError ? error : new CompartmentError('INTERNAL', errorText(error));
      if (e.code === 'INTERNAL') deps.warn(`${req.method} ${url.pathname} failed`, error);
      if (res.headersSent) return void res.end();
      json(res, STATUS_OF_CODE[e.code] ?? 500, { error: e.toPayload() });
    });
  });
}
