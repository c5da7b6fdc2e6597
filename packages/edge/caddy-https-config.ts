// The static HTTPS and HTTP servers every domain shares, and the TLS automation that issues their certificates on demand.
import { HOST_ZONE } from './dns-names.js';

export type EdgeTls = { issuer: 'internal' } | { issuer: 'acme'; email?: string };

export interface EdgeHttpsOptions {
  httpsPort: number;
  httpPort: number;
  tls: EdgeTls;
  /** The edge's `ask` endpoint: 200 only for a domain some route holds, so no other name ever gets a certificate. */
  askUrl: string;
  /** The edge's answerer for the HTTP listener: a redirect to HTTPS for a held domain, 404 for any other host. */
  plainDial: string;
}

export const HTTPS_SERVER = 'https';
export const HTTP_SERVER = 'http';

interface Shared {
  listen: (port: number) => string;
  /** The route servers' reverse_proxy handler with its SRV name replaced. */
  proxyTo: (srvName: string) => Record<string, unknown>;
}

/** The two servers (added to apps.http.servers) and the tls and pki apps. */
export function httpsParts(
  o: EdgeHttpsOptions,
  shared: Shared,
): { servers: Record<string, unknown>; apps: Record<string, unknown> } {
  const servers = {
    [HTTPS_SERVER]: {
      listen: [shared.listen(o.httpsPort)],
      protocols: ['h1', 'h2'],
      // The ask check approves a name, not the request: the Host must be the name the handshake was for (else 421).
      strict_sni_host: true,
      tls_connection_policies: [{}],
      // Our own HTTP server redirects (and knows which hosts exist); Caddy's would redirect any host.
      automatic_https: { disable_redirects: true },
      // `{http.request.host}` is lower-cased with the port stripped; the responder answers it from the route table.
      routes: [{ handle: [shared.proxyTo(`{http.request.host}.${HOST_ZONE}.`)] }],
    },
    [HTTP_SERVER]: {
      listen: [shared.listen(o.httpPort)],
      protocols: ['h1'],
      automatic_https: { disable: true },
      routes: [{ handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: o.plainDial }] }] }],
    },
  };
  const issuers = o.tls.issuer === 'internal' ? [{ module: 'internal' }] : acmeIssuers(o.tls.email);
  const apps = {
    tls: {
      automation: {
        policies: [{ issuers, on_demand: true }],
        on_demand: { ask: o.askUrl },
      },
    },
    // As root, Caddy would otherwise put its root certificate into the system trust store.
    pki: { certificate_authorities: { local: { install_trust: false } } },
  };
  return { servers, apps };
}

/** Caddy's default issuers (Let's Encrypt, then ZeroSSL), with the account email when one is given. */
function acmeIssuers(email: string | undefined): unknown[] {
  const withEmail = email ? { email } : {};
  return [
    { module: 'acme', ...withEmail },
    { module: 'zerossl', ...withEmail },
  ];
}
