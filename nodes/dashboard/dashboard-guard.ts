// The dashboard's locks: only the Host it was started on (DNS rebinding), a per-start token kept in a cookie, same-origin writes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';

/** HttpOnly, SameSite=Strict: the page's scripts never see it and other sites' pages never send it. */
export const COOKIE = 'compartment_dashboard';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';
const bracket = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * The `host:port` values a browser sends for the address we listen on: that address, `localhost` for a loopback one,
 * every interface address for a wildcard one. Never a name an attacker's DNS could point at us.
 */
export function allowedHosts(listenHost: string, port: number): string[] {
  const host = listenHost.toLowerCase().replace(/^\[|\]$/g, '');
  const names = new Set<string>();
  if (isWildcard(host)) {
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(a.address.toLowerCase().replace(/%.*$/, ''));
    names.add('localhost');
  } else {
    names.add(host);
    if (isLoopback(host)) names.add('localhost');
    if (host === 'localhost') for (const h of ['127.0.0.1', '::1']) names.add(h);
  }
  return [...names].flatMap((n) => (port === 80 ? [bracket(n), `${bracket(n)}:80`] : [`${bracket(n)}:${port}`]));
}

const digest = (s: string) => createHash('sha256').update(s).digest();
/** Constant time, whatever the lengths: both sides are hashed first. */
export function sameSecret(given: string | undefined | null, token: string): boolean {
  return typeof given === 'string' && given.length > 0 && timingSafeEqual(digest(given), digest(token));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class DashboardGuard {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(
    private readonly token: string,
    listenHost: string,
    port: number,
  ) {
    if (token.length < 32) throw new Error('the dashboard token is too short');
    const hosts = allowedHosts(listenHost, port);
    this.hosts = new Set(hosts);
    this.origins = new Set(hosts.map((h) => `http://${h}`));
  }

  /** A request whose Host is not ours came through a name that is not ours: DNS rebinding, or a proxy we do not know. */
  hostAllowed(req: IncomingMessage): boolean {
    return this.hosts.has((req.headers.host ?? '').toLowerCase());
  }

  /** The cookie the first visit set, or `Authorization: Bearer TOKEN` for scripts. */
  authenticated(req: IncomingMessage): boolean {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    return sameSecret(bearer ?? cookieValue(req.headers.cookie, COOKIE), this.token);
  }

  /** The `?token=` of the URL `up` printed. */
  tokenMatches(given: string | null): boolean {
    return sameSecret(given, this.token);
  }

  setCookie(): string {
    return `${COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /**
   * A write from our own page: the browser names its origin on every POST, and it must be one we were started on
   * (not merely whatever the Host header says); a JSON body, which a cross-site form cannot send without a preflight.
   */
  sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    const type = req.headers['content-type'] ?? '';
    return (
      origin !== undefined &&
      this.origins.has(origin.toLowerCase()) &&
      (site === undefined || site === 'same-origin') &&
      type.startsWith('application/json')
    );
  }
}
