// An edge: fills the route table from the KV route watch, answers Caddy's lookups, keeps Caddy running, reports its state.
import type { EdgeState } from '../../packages/protocol/index.js';
import {
  startDnsResponder,
  buildCaddyConfig,
  startCaddyKeeper,
  deploymentOfUpstreamName,
  certificateStates,
  startEdgeAnswerer,
  type CaddyKeeper,
  type DnsResponder,
  type EdgeAnswerer,
  type EdgeTls,
} from '../../packages/edge/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { RouteStore } from '../../cluster/routes/index.js';
import { serveEdgeState } from '../../cluster/edges/index.js';
import { Membership, HEARTBEAT_EVERY_MS, LOST_AFTER_MS } from '../../cluster/membership/index.js';
import { retryTransient } from '../shared/retry.js';
import type { KvWatcher } from '../../cluster/kv/index.js';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { keepPorts, keptPorts } from './answer-ports.js';
import { EdgeRoutes } from './edge-routes.js';

/** How long Caddy keeps retrying a request whose upstream could not be dialled, on the route's other instances. */
export const EDGE_RETRY_MS = 1_000;

export interface EdgeOptions {
  edgeId: string;
  dataDir: string;
  dnsHost: string;
  dnsPort: number;
  /** Caddy's admin endpoint: a unix socket whose directory only this edge's user can enter. */
  caddyAdminSocket: string;
  routePorts: number[];
  listenHost: string;
  refreshMs: number;
  /** Where this edge serves Prometheus metrics, told to the cluster in its heartbeat. */
  metricsUrl?: string;
  /** Shared HTTPS/HTTP listeners for domains; absent: route ports only. */
  https?: { httpsPort: number; httpPort: number; tls: EdgeTls };
  log(message: string, error?: unknown): void;
}

export class EdgeService {
  private readonly routes: EdgeRoutes;
  private answerer: EdgeAnswerer | null = null;
  private dns: DnsResponder | null = null;
  private keeper: CaddyKeeper | null = null;
  private watcher: KvWatcher | null = null;
  private stateSub: { unsubscribe(): void } | null = null;
  private membership: Membership | null = null;
  private beat: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(readonly opts: EdgeOptions) {
    this.routes = new EdgeRoutes(join(opts.dataDir, 'routes.cache.json'), opts.log);
  }

  /**
   * Before NATS: the routes this edge last knew answer Caddy's lookups at once (Caddy outlives the edge process), so
   * a restarted edge serves in the time Node takes to start, and serves even while NATS is unreachable. A switch made
   * meanwhile cannot be missed: agents wait for every live edge to confirm a route's revision before they drain.
   */
  async serveCached(): Promise<number> {
    const cached = this.routes.loadCache(LOST_AFTER_MS);
    await this.startAnswering();
    return cached;
  }

  async start(conn: ClusterConnection): Promise<void> {
    const routes = await RouteStore.open(conn);
    const cachedKeys = this.routes.routeKeys();
    this.routes.keepCache();
    // The table is filled before Caddy starts, so a restarted edge serves every route at once.
    this.watcher = routes.watchAll(
      (change) => {
        cachedKeys.delete(change.key);
        this.routes.apply(change);
      },
      (error) => this.opts.log('route watch error', error),
    );
    await this.watcher.ready;
    // What the cache held and the cluster no longer does was deleted while this edge was away.
    for (const key of cachedKeys) this.routes.forget(key);
    this.routes.caughtUp();
    await this.startAnswering();
    const https = this.opts.https;
    const answer = this.answerer;
    const config = buildCaddyConfig({
      admin: { socket: this.opts.caddyAdminSocket },
      routePorts: this.opts.routePorts,
      listenHost: this.opts.listenHost,
      resolver: { host: this.opts.dnsHost, port: this.dns!.port },
      dataDir: `${this.opts.dataDir}/caddy`,
      refreshMs: this.opts.refreshMs,
      ...(https && answer
        ? {
            https: {
              ...https,
              askUrl: `http://${this.opts.dnsHost}:${answer.askPort}/ask`,
              plainDial: `${this.opts.dnsHost}:${answer.plainPort}`,
            },
          }
        : {}),
      // A dial that fails (an instance that just vanished) is tried again on another instance of the set;
      // Caddy 2.6.2 does this safely only for requests without a body, so lost instances also leave the answer.
      tryDurationMs: EDGE_RETRY_MS,
    });
    this.keeper = await startCaddyKeeper({
      config,
      dataDir: `${this.opts.dataDir}/caddy`,
      // Caddy outlives this process: a crashed edge must not take traffic down with it.
      detached: true,
      onEvent: (e) => this.opts.log(`caddy ${e.type}${'pid' in e && e.pid ? ` (pid ${e.pid})` : ''}`),
    });
    this.stateSub = serveEdgeState(
      conn,
      (request) => this.state(request.certificates === true),
      (name, error) => this.opts.log(`${name} request failed`, error),
    );
    // Node agents wait for every live edge to confirm a switch: this heartbeat is how they know this edge is live.
    this.membership = await Membership.open(conn);
    const beat = () => ({
      id: this.opts.edgeId,
      listenHost: this.opts.listenHost,
      routePorts: [this.opts.routePorts[0]!, this.opts.routePorts.at(-1)!] as [number, number],
      startedAt: this.startedAt,
      ...(this.opts.metricsUrl ? { metricsUrl: this.opts.metricsUrl } : {}),
    });
    // A cluster that just formed may still be electing the bucket's leader: wait for it rather than crash.
    await retryTransient(
      () => this.membership!.beatEdge(beat()),
      60_000,
      (e) => this.opts.log('first edge heartbeat waiting for the cluster', e),
    );
    const heartbeat = () => this.membership!.beatEdge(beat()).then(() => this.routes.touchCache());
    this.beat = setInterval(
      () => void heartbeat().catch((e) => this.opts.log('edge heartbeat failed', e)),
      HEARTBEAT_EVERY_MS,
    );
  }

  /** The answerer (domains) and the DNS responder Caddy resolves through; once per process. */
  private async startAnswering(): Promise<void> {
    if (this.dns) return;
    mkdirSync(dirname(this.opts.caddyAdminSocket), { recursive: true, mode: 0o700 });
    chmodSync(dirname(this.opts.caddyAdminSocket), 0o700);
    const https = this.opts.https;
    if (https) {
      // Kept in the data dir: Caddy's config names these ports, and an unchanged config is adopted without a reload.
      const kept = keptPorts(join(this.opts.dataDir, 'answer-ports.json'));
      const start = (ports: { ask: number; plain: number }) =>
        startEdgeAnswerer({
          host: this.opts.dnsHost,
          askPort: ports.ask,
          plainPort: ports.plain,
          hosts: this.routes.hosts,
          httpsPort: https.httpsPort,
        });
      // A kept port something else took since: new ones (Caddy's config then changes once, a reload).
      this.answerer = await start(kept).catch(() => start({ ask: 0, plain: 0 }));
      keepPorts(join(this.opts.dataDir, 'answer-ports.json'), {
        ask: this.answerer.askPort,
        plain: this.answerer.plainPort,
      });
    }
    const answer = this.answerer;
    this.dns = await startDnsResponder({
      host: this.opts.dnsHost,
      port: this.opts.dnsPort,
      table: this.routes.table,
      ...(answer
        ? { hostRouting: { hosts: this.routes.hosts, fallback: { host: this.opts.dnsHost, port: answer.plainPort } } }
        : {}),
    });
  }

  /** Caddy's own Prometheus metrics text (throws while Caddy's admin API does not answer). */
  async caddyMetrics(): Promise<string> {
    if (!this.keeper) throw new Error('Caddy is not running yet');
    return this.keeper.admin.metrics();
  }

  /** The (environment, service) whose route listens on `port`. */
  ownerOf(port: number): { environment: string; service: string } | null {
    return this.routes.ownerOf(port);
  }

  routeCount(): number {
    return this.routes.count();
  }

  /** Stops answering and watching; Caddy is stopped only when `stopCaddy` (an orderly `down`). */
  async stop(stopCaddy: boolean): Promise<void> {
    clearInterval(this.beat);
    this.routes.stop();
    await this.membership?.leave('edge', this.opts.edgeId).catch(() => undefined);
    this.stateSub?.unsubscribe();
    await this.watcher?.stop();
    if (stopCaddy) await this.keeper?.stop();
    await this.dns?.close();
    await this.answerer?.close();
  }

  /** Caddy's storage root: certificates, keys and the internal CA. */
  storageRoot(): string {
    return join(this.opts.dataDir, 'caddy', 'storage');
  }

  /** `certificates`: read each held domain's certificate from storage too (a file read per name: only when asked). */
  async state(certificates = false): Promise<EdgeState> {
    const routes = this.routes.list();
    // Before Caddy's upstreams: whatever is not retiring now can be picked by no request that is not yet in flight.
    const routed = new Set(routes.flatMap((r) => (r.deploymentId ? [r.deploymentId] : [])));
    const retiring = this.dns?.retiring(routed, this.opts.refreshMs) ?? [];
    const inFlight = new Map<string, number>();
    for (const u of (await this.keeper?.admin.upstreams()) ?? []) {
      const id = deploymentOfUpstreamName(u.address.replace(/:\d+$/, ''));
      // Listed at all means a request picked it: count at least one.
      if (id) inFlight.set(id, (inFlight.get(id) ?? 0) + Math.max(u.num_requests, 1));
    }
    return {
      edgeId: this.opts.edgeId,
      refreshMs: this.opts.refreshMs,
      routes,
      inFlight: [...inFlight].map(([deploymentId, count]) => ({ deploymentId, count })),
      retiring,
      at: new Date().toISOString(),
      ...(this.opts.https ? { httpsPort: this.opts.https.httpsPort } : {}),
      ...(this.opts.https && certificates ? { domains: this.certificates() } : {}),
    };
  }

  /** Each held domain with what Caddy's storage holds for it. */
  private certificates(): NonNullable<EdgeState['domains']> {
    const held = this.routes.hosts.entries();
    const certs = certificateStates(
      this.storageRoot(),
      held.map((h) => h.domain),
    );
    return held.map((h, i) => ({ ...certs[i]!, key: h.key }));
  }
}
