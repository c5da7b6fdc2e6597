// Desired routes in KV, one per (environment, service): read, compare-and-swap write, and a watch for the edges.
import type { KV } from '@nats-io/kv';
import { BUCKETS, CompartmentError, RouteRecord, keys, parseWith } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { changeOf, parseEntry, rethrowKv, watchKv, type KvWatcher, type RawEntry } from '../kv/index.js';
import { claimPort } from './port-claim.js';
import type { RouteAccess, VersionedRoute } from './route-access.js';
import {
  deleteDomainClaim,
  readDomainClaims,
  setRouteDomains,
  writeDomainClaim,
  type HeldClaim,
} from './domain-claims.js';

export type { VersionedRoute };

export type RouteChange =
  | { type: 'put'; key: string; revision: number; route: RouteRecord; initial: boolean }
  | { type: 'delete'; key: string; revision: number; environmentName: string; serviceName: string; initial: boolean }
  | { type: 'invalid'; key: string; revision: number; error: string; initial: boolean };

const parseRoute = (entry: RawEntry) => parseEntry(entry, RouteRecord);

function toRawEntry(e: {
  key: string;
  revision: number;
  operation: 'PUT' | 'DEL' | 'PURGE';
  value: Uint8Array;
  created: Date;
}): RawEntry {
  return { key: e.key, revision: e.revision, operation: e.operation, data: e.value, created: e.created };
}

export class RouteStore implements RouteAccess {
  private constructor(
    private readonly conn: ClusterConnection,
    private readonly kv: KV,
  ) {}

  static async open(conn: ClusterConnection): Promise<RouteStore> {
    return new RouteStore(conn, await conn.kvm.open(BUCKETS.routes));
  }

  async get(env: string, service: string): Promise<VersionedRoute | null> {
    await this.conn.whenConnected();
    const entry = await this.kv.get(keys.route(env, service)).catch((e) => rethrowKv(e, ''));
    if (!entry || entry.operation !== 'PUT') return null;
    const parsed = parseRoute(toRawEntry(entry));
    if (!parsed.ok) throw new CompartmentError('INTERNAL', `stored route ${entry.key} is invalid: ${parsed.error}`);
    return { key: entry.key, revision: entry.revision, route: parsed.value };
  }

  /**
   * Compare-and-swap write: `expectedRevision` null means "must not exist yet". A lost race is CONFLICT.
   * Returns the new revision, which the edges report back once they serve it.
   */
  async put(route: RouteRecord, expectedRevision: number | null): Promise<number> {
    const checked = parseWith(RouteRecord, route, 'INVALID_ARGUMENT');
    const key = keys.route(checked.environmentName, checked.serviceName);
    const data = JSON.stringify(checked);
    const conflict = `route of ${checked.environmentName}/${checked.serviceName} changed since ${expectedRevision === null ? 'it was read (absent)' : `revision ${expectedRevision}`}`;
    await this.conn.whenConnected();
    const write = expectedRevision === null ? this.kv.create(key, data) : this.kv.update(key, data, expectedRevision);
    return write.catch((e) => rethrowKv(e, conflict));
  }

  /** Deletes a route (watchers see a delete). The port claim stays: the port belongs to that service for good. */
  async remove(env: string, service: string, expectedRevision?: number): Promise<void> {
    await this.conn.whenConnected();
    await this.kv
      .delete(keys.route(env, service), expectedRevision === undefined ? undefined : { previousSeq: expectedRevision })
      .catch((e) => rethrowKv(e, `route of ${env}/${service} changed since revision ${expectedRevision}`));
  }

  /** Every route (`initial`), then `ready`, then each put and delete with its revision. Port claims are not routes and are not delivered. */
  watchAll(onChange: (change: RouteChange) => void, onError?: (error: Error) => void): KvWatcher {
    return watchKv(this.conn, BUCKETS.routes, keys.routes, {
      onEntry: (entry, initial) => {
        const change = changeOf(entry, initial, parseRoute);
        if (change.type === 'put') {
          const { key, revision, value } = change;
          onChange({ type: 'put', key, revision, route: value, initial });
        } else if (change.type === 'delete') {
          const [, environmentName = '', serviceName = ''] = change.key.split('.');
          onChange({ ...change, environmentName, serviceName });
        } else onChange(change);
      },
      onError,
    });
  }

  /** Every domain claim, by domain. */
  domainClaims(): Promise<Map<string, HeldClaim>> {
    return readDomainClaims(this.conn);
  }

  /** Claims `domain` for (env, service); `from` is the revision of the claim it takes over (a move), null when free. */
  claimDomain(domain: string, env: string, service: string, from: number | null): Promise<void> {
    return writeDomainClaim(this.conn, this.kv, domain, env, service, from);
  }

  releaseDomain(domain: string, revision: number): Promise<void> {
    return deleteDomainClaim(this.conn, this.kv, domain, revision);
  }

  /** The route's domains, as the edges serve them (the route is created, with `port`, when missing). */
  setDomains(env: string, service: string, domains: string[], port: number | null): Promise<void> {
    return setRouteDomains(this, env, service, domains, port);
  }

  /** The stable edge port of (env, service): its existing claim, else the first free port of `range`. Recorded on the route. */
  claimPort(env: string, service: string, range: readonly number[]): Promise<number> {
    return claimPort(this.conn, this.kv, this, env, service, range);
  }
}
