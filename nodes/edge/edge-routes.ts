// What an edge routes: the table Caddy's lookups read and the host index, filled from route changes, kept in the cache.
import { keys, type EdgeState, type RouteRecord } from '../../packages/protocol/index.js';
import { HostIndex, RouteTable } from '../../packages/edge/index.js';
import type { RouteChange } from '../../cluster/routes/index.js';
import { UpstreamProber } from './upstream-prober.js';
import { readRouteCache, touchRouteCache, writeRouteCache } from './route-cache.js';

export class EdgeRoutes {
  readonly table = new RouteTable();
  /** Domain → route port, from the same watch: the HTTPS server's per-host lookups resolve through it. */
  readonly hosts = new HostIndex();
  /** Route key → port, so a deleted route (which carries no port) can be removed from the table. */
  private readonly portOfKey = new Map<string, number>();
  /** Each route as written, by port: the table holds it minus the instances this edge cannot connect to. */
  private readonly written = new Map<number, { route: RouteRecord; revision: number }>();
  private readonly prober = new UpstreamProber(() => this.publishAll());
  /** Off while the edge serves the cache itself: there is nothing newer to keep. */
  private keeping = false;
  private cacheTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cacheFile: string,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  /** Fills the table from the cache file when it is younger than `maxAgeMs`; how many routes it held. */
  loadCache(maxAgeMs: number): number {
    const cached = readRouteCache(this.cacheFile, maxAgeMs);
    for (const c of cached)
      this.apply({ type: 'put', key: c.key, revision: c.revision, route: c.route, initial: true });
    return cached.length;
  }

  /** From now on each change is written to the cache file (soon after, not on each). */
  keepCache(): void {
    this.keeping = true;
  }

  /** The heartbeat's proof that the cache is current. */
  touchCache(): void {
    touchRouteCache(this.cacheFile);
  }

  /** The watch has delivered every current route: keep that, and start dialling multi-instance routes' upstreams. */
  caughtUp(): void {
    this.saveCache();
    this.prober.start();
  }

  routeKeys(): Set<string> {
    return new Set(this.portOfKey.keys());
  }

  /** The (environment, service) whose route listens on `port`, from the route keys `route.<env>.<service>`. */
  ownerOf(port: number): { environment: string; service: string } | null {
    for (const [key, p] of this.portOfKey) {
      if (p !== port) continue;
      const [, environment, service] = key.split('.');
      if (environment && service) return { environment, service };
    }
    return null;
  }

  count(): number {
    return this.portOfKey.size;
  }

  list(): EdgeState['routes'] {
    return [...this.portOfKey].map(([key, port]) => {
      const e = this.table.get(port);
      return { key, port, deploymentId: e?.deploymentId ?? null, revision: e?.revision ?? 0 };
    });
  }

  stop(): void {
    clearTimeout(this.cacheTimer);
    this.prober.stop();
  }

  apply(change: RouteChange): void {
    if (change.type === 'invalid') return this.log(`ignoring invalid route ${change.key}: ${change.error}`);
    if (change.type === 'delete') {
      this.hosts.delete(change.key);
      const port = this.portOfKey.get(change.key);
      if (port !== undefined) {
        this.table.delete(port, change.revision);
        this.written.delete(port);
      }
      this.portOfKey.delete(change.key);
      this.saveCache();
      return this.watchInstances();
    }
    const route: RouteRecord = change.route;
    if (route.port === null) return;
    const key = keys.route(route.environmentName, route.serviceName);
    this.portOfKey.set(key, route.port);
    this.hosts.set(key, route.port, route.domains ?? [], route.domainsAt ?? '');
    const held = this.written.get(route.port);
    if (held && held.revision > change.revision) return;
    this.written.set(route.port, { route, revision: change.revision });
    this.publish(route.port);
    this.saveCache();
    this.watchInstances();
  }

  /** A cached route the cluster no longer holds; its port may belong to another route by now. */
  forget(key: string): void {
    this.hosts.delete(key);
    const port = this.portOfKey.get(key);
    this.portOfKey.delete(key);
    const w = port === undefined ? undefined : this.written.get(port);
    if (port === undefined || !w || keys.route(w.route.environmentName, w.route.serviceName) !== key) return;
    this.table.delete(port);
    this.written.delete(port);
    this.watchInstances();
  }

  /** Soon after a change, not on each: a burst of route writes is one file write. */
  private saveCache(): void {
    if (!this.keeping) return;
    clearTimeout(this.cacheTimer);
    this.cacheTimer = setTimeout(() => {
      const routes = [...this.written.values()].map((w) => ({
        key: keys.route(w.route.environmentName, w.route.serviceName),
        revision: w.revision,
        route: w.route,
      }));
      try {
        writeRouteCache(this.cacheFile, routes);
      } catch (error) {
        this.log('could not keep the route cache', error);
      }
    }, 100);
    this.cacheTimer.unref();
  }

  /** The route as written, without instances this edge cannot connect to, unless that would leave none. */
  private publish(port: number): void {
    const w = this.written.get(port);
    if (!w) return;
    const all = w.route.upstreams.map((u) => ({ host: u.host, port: u.port }));
    const reachable = all.filter((u) => !this.prober.isDown(u));
    this.table.set({
      port,
      deploymentId: w.route.deploymentId,
      upstreams: reachable.length > 0 ? reachable : all,
      revision: w.revision,
    });
  }

  private publishAll(): void {
    for (const port of this.written.keys()) this.publish(port);
  }

  private watchInstances(): void {
    this.prober.watch(
      [...this.written.values()]
        .filter((w) => w.route.upstreams.length > 1)
        .flatMap((w) => w.route.upstreams.map((u) => ({ host: u.host, port: u.port }))),
    );
  }
}
