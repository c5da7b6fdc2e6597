// The DNS names the edge serves: one SRV name per route port, one A/AAAA name per upstream host of a deployment.
export const ROUTE_ZONE = 'route.compartment.internal';
export const UPSTREAM_ZONE = 'upstream.compartment.internal';
/** The HTTPS server looks up `<request host>.host.compartment.internal` (SRV): one name per domain, no config change. */
export const HOST_ZONE = 'host.compartment.internal';
/** Where an unknown host's lookup points: the edge's own 404 answerer. */
export const FALLBACK_NAME = 'fallback.edge.compartment.internal';

/** The host a per-host lookup name asks about, or null when the name is not in the host zone. */
export function hostOfLookupName(name: string): string | null {
  const canonical = canonicalName(name);
  const suffix = `.${HOST_ZONE}`;
  return canonical.endsWith(suffix) && canonical.length > suffix.length ? canonical.slice(0, -suffix.length) : null;
}

/** The SRV name Caddy's server for `port` looks up, e.g. `r8101.route.compartment.internal`. */
export function routeName(port: number): string {
  return `r${port}.${ROUTE_ZONE}`;
}

/**
 * The SRV target for a deployment's upstreams. A target must be a name, not an IP (Go's resolver drops IP
 * targets). A deployment whose upstreams sit on several hosts gets one name per host: `h1.`, `h2.` ... prefix
 * the base name for the second host onwards, so the common single-host case has exactly `upstreamName(id)`.
 */
export function upstreamName(deploymentId: string, hostIndex = 0): string {
  return hostIndex === 0 ? `${deploymentId}.${UPSTREAM_ZONE}` : `h${hostIndex}.${deploymentId}.${UPSTREAM_ZONE}`;
}

/** Canonical form for comparing names: lower case, no trailing dot. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** The route port a route name stands for, or null when the name is not a route name. */
export function portOfRouteName(name: string): number | null {
  const m = /^r(\d{1,5})\.(.+)$/.exec(canonicalName(name));
  if (!m || m[2] !== ROUTE_ZONE) return null;
  const port = Number(m[1]);
  return port >= 1 && port <= 65535 ? port : null;
}

/** The deployment an upstream name (as Caddy lists it: `name.:port` or bare) belongs to, or null. */
export function deploymentOfUpstreamName(name: string): string | null {
  const m = /^(?:h\d+\.)?([a-z0-9-]+)\.(.+)$/.exec(canonicalName(name));
  return m && m[2] === UPSTREAM_ZONE ? m[1] : null;
}
