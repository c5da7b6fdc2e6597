// Which route holds each domain: `domain.<name>` claims in the routes bucket (create/CAS decide races), and the route's list.
import type { KV } from '@nats-io/kv';
import { BUCKETS, CompartmentError, DomainClaim } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { isWrongLastSequence, jsonOf, readAllKv, retryOnConflict, rethrowKv } from '../kv/index.js';
import type { RouteAccess } from './route-access.js';

export const domainKey = (domain: string) => `domain.${domain}`;

export interface HeldClaim {
  claim: DomainClaim;
  revision: number;
}

/** Every claim, by domain; an unreadable claim is skipped (it holds nothing). */
export async function readDomainClaims(conn: ClusterConnection): Promise<Map<string, HeldClaim>> {
  const entries = await readAllKv(conn, BUCKETS.routes, 'domain.>').catch((e) => rethrowKv(e, ''));
  const held = new Map<string, HeldClaim>();
  for (const entry of entries) {
    try {
      const parsed = DomainClaim.safeParse(jsonOf(entry.data));
      if (parsed.success) held.set(parsed.data.domain, { claim: parsed.data, revision: entry.revision });
    } catch {
      // not JSON: no claim
    }
  }
  return held;
}

/** Takes `domain` for (env, service): created when free, swapped when `from` (the holder's revision) is given. A lost race is DOMAIN_TAKEN. */
export async function writeDomainClaim(
  conn: ClusterConnection,
  kv: KV,
  domain: string,
  env: string,
  service: string,
  from: number | null,
): Promise<void> {
  const claim: DomainClaim = {
    domain,
    environmentName: env,
    serviceName: service,
    claimedAt: new Date().toISOString(),
  };
  await conn.whenConnected();
  try {
    if (from === null) await kv.create(domainKey(domain), JSON.stringify(claim));
    else await kv.update(domainKey(domain), JSON.stringify(claim), from);
  } catch (error) {
    if (isWrongLastSequence(error))
      throw new CompartmentError('DOMAIN_TAKEN', `${domain} was claimed by another deploy at the same moment`);
    rethrowKv(error, '');
  }
}

/** Releases a claim this route held at `revision`; one taken over meanwhile is left alone. */
export async function deleteDomainClaim(
  conn: ClusterConnection,
  kv: KV,
  domain: string,
  revision: number,
): Promise<void> {
  await conn.whenConnected();
  await kv.delete(domainKey(domain), { previousSeq: revision }).catch((error) => {
    if (!isWrongLastSequence(error)) rethrowKv(error, '');
  });
}

/** Sets the route's domain list (compare-and-swap, retried); creates the route with `port` when there is none yet. */
export async function setRouteDomains(
  routes: RouteAccess,
  env: string,
  service: string,
  domains: string[],
  port: number | null,
): Promise<void> {
  await retryOnConflict(20, `route of ${env}/${service} kept changing while setting its domains`, async () => {
    const current = await routes.get(env, service);
    const now = new Date().toISOString();
    const same = (current?.route.domains ?? []).join(' ') === domains.join(' ');
    if (current && same) return;
    const route = current
      ? { ...current.route, domains, domainsAt: now, updatedAt: now }
      : {
          environmentName: env,
          serviceName: service,
          port,
          deploymentId: null,
          upstreams: [],
          previousId: null,
          updatedAt: now,
          domains,
          domainsAt: now,
        };
    await routes.put(route, current?.revision ?? null);
  });
}
