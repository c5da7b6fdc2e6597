// An edge: fills the route table from the KV route watch, answers Caddy's lookups, keeps Caddy running, reports its state.
import { keys, type EdgeState, type RouteRecord } from '../../packages/protocol/index.js';
import {
  RouteTable,
  startDnsResponder,
  buildCaddyConfig,
  startCaddyKeeper,
  deploymentOfUpstreamName,
  type CaddyKeeper,
  type DnsResponder,
} from '../../packages/edge/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { RouteStore, type RouteChange } from '../../cluster/routes/index.js';
import { serveEdgeState } from '../../cluster/edges/index.js';
import { Membership, HEARTBEAT_EVERY_MS } from '../../cluster/membership/index.js';
import { retryTransient } from '../shared/retry.js';
import type { KvWatcher } from '../../cluster/kv/index.js';
import { chmodSync, mkdirSync } from 'node:fs';
import { UpstreamProber } from './upstream-prober.js';
import { dirname } from 'node:path';

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
  log(message: string, error?: unknown): void;
}

export class EdgeService {
  private readonly table = new RouteTable();
  /** Route key → port, so a deleted route (which carries no port) can be removed from the table. */
  private readonly portOfKey = new Map<string, number>();
  /** Each route as written, by port: the table holds it minus the instances this edge cannot connect to. */
  private readonly written = new Map<number, { route: RouteRecord; revision: number }>();
  private readonly prober = new UpstreamProber(() => this.publishAll());
  private dns: DnsResponder | null = null;
  private keeper: CaddyKeeper | null = null;
  private watcher: KvWatcher | null = null;
  private stateSub: { unsubscribe(): void } | null = null;
  private membership: Membership | null = null;
  private beat: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly conn: ClusterConnection,
    private readonly opts: EdgeOptions,
  ) {}

  async start(): Promise<void> {
    const routes = await RouteStore.open(this.conn);
    // The table is filled before Caddy starts, so a restarted edge serves every route at once.
    this.watcher = routes.watchAll((change) => this.apply(change), (error) => this.opts.log('route watch error', error));
    await this.watcher.ready;
    this.prober.start();
    mkdirSync(dirname(this.opts.caddyAdminSocket), { recursive: true, mode: 0o700 });
    chmodSync(dirname(this.opts.caddyAdminSocket), 0o700);
    this.dns = await startDnsResponder({ host: this.opts.dnsHost, port: this.opts.dnsPort, table: this.table });
    const config = buildCaddyConfig({
      admin: { socket: this.opts.caddyAdminSocket },
      routePorts: this.opts.routePorts,
      listenHost: this.opts.listenHost,
      resolver: { host: this.opts.dnsHost, port: this.dns.port },
      dataDir: `${this.opts.dataDir}/caddy`,
      refreshMs: this.opts.refreshMs,
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
    this.stateSub = serveEdgeState(this.conn, () => this.state(), (name, error) => this.opts.log(`${name} request failed`, error));
    // Node agents wait for every live edge to confirm a switch: this heartbeat is how they know this edge is live.
    this.membership = await Membership.open(this.conn);
    const beat = () => ({ id: this.opts.edgeId, listenHost: this.opts.listenHost, routePorts: [this.opts.routePorts[0]!, this.opts.routePorts.at(-1)!] as [number, number], startedAt: this.startedAt });
    // A cluster that just formed may still be electing the bucket's leader: wait for it rather than crash.
    await retryTransient(() => this.membership!.beatEdge(beat()), 60_000, (e) => this.opts.log('first edge heartbeat waiting for the cluster', e));
    this.beat = setInterval(() => void this.membership?.beatEdge(beat()).catch((e) => this.opts.log('edge heartbeat failed', e)), HEARTBEAT_EVERY_MS);
  }

  /** Stops answering and watching; Caddy is stopped only when `stopCaddy` (an orderly `down`). */
  async stop(stopCaddy: boolean): Promise<void> {
    clearInterval(this.beat);
    this.prober.stop();
    await this.membership?.leave('edge', this.opts.edgeId).catch(() => undefined);
    this.stateSub?.unsubscribe();
    await this.watcher?.stop();
    if (stopCaddy) await this.keeper?.stop();
    await this.dns?.close();
  }

  async state(): Promise<EdgeState> {
    const inFlight = new Map<string, number>();
    for (const u of (await this.keeper?.admin.upstreams()) ?? []) {
      const id = deploymentOfUpstreamName(u.address.replace(/:\d+$/, ''));
      // Listed at all means a request picked it: count at least one.
      if (id) inFlight.set(id, (inFlight.get(id) ?? 0) + Math.max(u.num_requests, 1));
    }
    return {
      edgeId: this.opts.edgeId,
      refreshMs: this.opts.refreshMs,
      routes: [...this.portOfKey].map(([key, port]) => {
        const e = this.table.get(port);
        return { key, port, deploymentId: e?.deploymentId ?? null, revision: e?.revision ?? 0 };
      }),
      inFlight: [...inFlight].map(([deploymentId, count]) => ({ deploymentId, count })),
      at: new Date().toISOString(),
    };
  }

  private apply(change: RouteChange): void {
    if (change.type === 'invalid') return this.opts.log(`ignoring invalid route ${change.key}: ${change.error}`);
    if (change.type === 'delete') {
      const port = this.portOfKey.get(change.key);
      if (port !== undefined) {
        this.table.delete(port, change.revision);
        this.written.delete(port);
      }
      this.portOfKey.delete(change.key);
      return this.watchInstances();
    }
    const route: RouteRecord = change.route;
    if (route.port === null) return;
    this.portOfKey.set(keys.route(route.environmentName, route.serviceName), route.port);
    const held = this.written.get(route.port);
    if (held && held.revision > change.revision) return;
    this.written.set(route.port, { route, revision: change.revision });
    this.publish(route.port);
    this.watchInstances();
  }

  /** The route as written, without instances this edge cannot connect to, unless that would leave none. */
  private publish(port: number): void {
    const w = this.written.get(port);
    if (!w) return;
    const all = w.route.upstreams.map((u) => ({ host: u.host, port: u.port }));
    const reachable = all.filter((u) => !this.prober.isDown(u));
    this.table.set({ port, deploymentId: w.route.deploymentId, upstreams: reachable.length > 0 ? reachable : all, revision: w.revision });
  }

  private publishAll(): void {
    for (const port of this.written.keys()) this.publish(port);
  }

  private watchInstances(): void {
    this.prober.watch([...this.written.values()].filter((w) => w.route.upstreams.length > 1).flatMap((w) => w.route.upstreams.map((u) => ({ host: u.host, port: u.port }))));
  }
}
