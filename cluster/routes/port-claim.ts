// Allocates the edge port of an (environment, service) once: KV `create` on `port.<n>` decides every race.
import type { KV } from '@nats-io/kv';
import { BUCKETS, CompartmentError, NAME_PATTERN, PortClaim, keys } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { isWrongLastSequence, jsonOf, readAllKv, retryOnConflict, rethrowKv } from '../kv/index.js';
import type { RouteAccess } from './route-access.js';

function claimOf(data: Uint8Array): PortClaim | null {
  try {
    const parsed = PortClaim.safeParse(jsonOf(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const isFor = (claim: PortClaim | null, env: string, service: string) =>
  claim?.environmentName === env && claim.serviceName === service;

/** Reads every claim, then tries `create` on the free ports in range order; a lost create is re-read (the winner may be us). */
async function findOrClaim(
  conn: ClusterConnection,
  kv: KV,
  env: string,
  service: string,
  range: readonly number[],
): Promise<number> {
  const claims = await readAllKv(conn, BUCKETS.routes, 'port.*').catch((e) => rethrowKv(e, ''));
  const taken = new Set<number>();
  let mine: number | null = null;
  for (const entry of claims) {
    const port = Number(entry.key.slice('port.'.length));
    taken.add(port);
    // A claim without a route: a claimer crashed before recording it, or raced us. Lowest port wins, deterministically.
    if (isFor(claimOf(entry.data), env, service) && (mine === null || port < mine)) mine = port;
  }
  if (mine !== null) return mine;
  const claim: PortClaim = { environmentName: env, serviceName: service, claimedAt: new Date().toISOString() };
  for (const port of range) {
    if (taken.has(port)) continue;
    try {
      await conn.whenConnected();
      await kv.create(keys.routePort(port), JSON.stringify(claim));
      return port;
    } catch (error) {
      if (!isWrongLastSequence(error)) rethrowKv(error, '');
      const winner = await kv.get(keys.routePort(port));
      if (winner && isFor(claimOf(winner.value), env, service)) return port;
    }
  }
  // No dedicated error code for an exhausted port range yet; INTERNAL with the numbers is the honest answer.
  throw new CompartmentError(
    'INTERNAL',
    `no free edge port left in ${range[0]}-${range[range.length - 1]} for ${env}/${service}`,
  );
}

/** Puts the port on the route (creating a route with no deployment yet); an already recorded port wins. */
async function recordOnRoute(routes: RouteAccess, env: string, service: string, port: number): Promise<number> {
  return retryOnConflict(20, `route of ${env}/${service} kept changing while recording its port`, async () => {
    const current = await routes.get(env, service);
    if (current?.route.port != null) return current.route.port;
    const updatedAt = new Date().toISOString();
    const route = current
      ? { ...current.route, port, updatedAt }
      : {
          environmentName: env,
          serviceName: service,
          port,
          deploymentId: null,
          upstreams: [],
          previousId: null,
          updatedAt,
        };
    await routes.put(route, current?.revision ?? null);
    return port;
  });
}

export async function claimPort(
  conn: ClusterConnection,
  kv: KV,
  routes: RouteAccess,
  env: string,
  service: string,
  range: readonly number[],
): Promise<number> {
  if (!NAME_PATTERN.test(env) || !NAME_PATTERN.test(service))
    throw new CompartmentError('INVALID_ARGUMENT', `invalid route name ${env}/${service}`);
  if (range.length === 0 || !range.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      'the edge port range must be a non-empty list of ports 1-65535',
      'range',
    );
  }
  const existing = await routes.get(env, service);
  if (existing?.route.port != null) return existing.route.port;
  const port = await findOrClaim(conn, kv, env, service, range);
  return recordOnRoute(routes, env, service, port);
}
