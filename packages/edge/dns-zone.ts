// What the edge's DNS names resolve to, derived from the route table: SRV per route port, A/AAAA per upstream name.
import { isIPv4 } from 'node:net';
import type { RouteTable, RouteEntry } from './route-table.js';
import { upstreamName, portOfRouteName, canonicalName, hostOfLookupName, FALLBACK_NAME } from './dns-names.js';
import type { HostIndex } from './host-index.js';

export interface HostRouting {
  hosts: HostIndex;
  /** The edge's 404 answerer: an unknown host's lookup points here, so it gets a plain 404 rather than a 503. */
  fallback?: { host: string; port: number };
}

export interface SrvTarget {
  target: string;
  port: number;
  host: string;
}

export type ZoneAnswer =
  /** `deploymentId`: whose upstreams the targets are (null for the edge's own fallback or no deployment). */
  | { kind: 'route'; targets: SrvTarget[]; deploymentId: string | null }
  | { kind: 'upstream'; host: string }
  | { kind: 'unknown' };

/**
 * Names of upstreams that left the table keep resolving for `retainMs`: Caddy may still hold the previous SRV
 * answer for up to one refresh and dial a new connection to the old target; the old workload is still
 * draining then, so answering NXDOMAIN would turn a served request into a 502.
 */
export class DnsZone {
  readonly #table: RouteTable;
  readonly #retainMs: number;
  readonly #now: () => number;
  #current = new Map<string, string>();
  readonly #retired = new Map<string, { host: string; until: number }>();
  readonly #unsubscribe: () => void;
  readonly #hostRouting: HostRouting | undefined;

  constructor(table: RouteTable, options: { retainMs?: number; now?: () => number; hostRouting?: HostRouting } = {}) {
    this.#table = table;
    this.#hostRouting = options.hostRouting;
    this.#retainMs = options.retainMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#rebuild();
    this.#unsubscribe = table.onChange(() => this.#rebuild());
  }

  close(): void {
    this.#unsubscribe();
  }

  lookup(name: string): ZoneAnswer {
    const canonical = canonicalName(name);
    const asked = this.#hostRouting ? hostOfLookupName(canonical) : null;
    if (asked !== null) return this.#lookupHost(asked);
    const fallback = this.#hostRouting?.fallback;
    if (fallback && canonical === FALLBACK_NAME) return { kind: 'upstream', host: fallback.host };
    const port = portOfRouteName(canonical);
    if (port !== null) {
      const entry = this.#table.get(port);
      return entry ? routeAnswer(entry) : { kind: 'unknown' };
    }
    const host = this.#current.get(canonical) ?? this.#retiredHost(canonical);
    return host === undefined ? { kind: 'unknown' } : { kind: 'upstream', host };
  }

  /** A domain's route answers like its port's route; an unknown host points at the fallback (or is unknown). */
  #lookupHost(host: string): ZoneAnswer {
    const port = this.#hostRouting!.hosts.portOf(host);
    const entry = port === undefined ? undefined : this.#table.get(port);
    if (entry) return routeAnswer(entry);
    const fallback = this.#hostRouting!.fallback;
    if (port === undefined && fallback)
      return {
        kind: 'route',
        targets: [{ target: FALLBACK_NAME, port: fallback.port, host: fallback.host }],
        deploymentId: null,
      };
    return port === undefined ? { kind: 'unknown' } : { kind: 'route', targets: [], deploymentId: null };
  }

  #retiredHost(name: string): string | undefined {
    const retired = this.#retired.get(name);
    if (!retired) return undefined;
    if (retired.until > this.#now()) return retired.host;
    this.#retired.delete(name);
    return undefined;
  }

  #rebuild(): void {
    const next = new Map<string, string>();
    for (const entry of this.#table.all()) for (const t of targetsOf(entry)) next.set(t.target, t.host);
    const now = this.#now();
    const until = now + this.#retainMs;
    for (const [name, retired] of this.#retired) if (retired.until <= now) this.#retired.delete(name);
    for (const [name, host] of this.#current) {
      if (next.get(name) !== host) this.#retired.set(name, { host, until });
    }
    for (const name of next.keys()) this.#retired.delete(name);
    this.#current = next;
  }
}

const routeAnswer = (entry: RouteEntry): ZoneAnswer => ({
  kind: 'route',
  targets: targetsOf(entry),
  deploymentId: entry.deploymentId,
});

/** One SRV target per upstream; every distinct host of the deployment gets its own name. */
export function targetsOf(entry: RouteEntry): SrvTarget[] {
  if (entry.deploymentId === null) return [];
  const hosts: string[] = [];
  return entry.upstreams.map((u) => {
    let index = hosts.indexOf(u.host);
    if (index < 0) index = hosts.push(u.host) - 1;
    return { target: upstreamName(entry.deploymentId as string, index), port: u.port, host: u.host };
  });
}

export const recordTypeOf = (host: string): 'A' | 'AAAA' => (isIPv4(host) ? 'A' : 'AAAA');
