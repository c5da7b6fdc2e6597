// Builds the edge's static Caddy JSON config: one server per route port, each proxying to its SRV name.
import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { CompartmentError } from '../protocol/index.js';
import { routeName } from './dns-names.js';
import { httpsParts, type EdgeHttpsOptions } from './caddy-https-config.js';

export interface EdgeCaddyOptions {
  /**
   * Caddy's admin endpoint: a unix socket (the edge's: in a 0700 dir, so workloads cannot reach it), or a TCP port
   * on loopback unless said otherwise (tests and benchmarks only).
   */
  admin: { socket: string } | { host?: string; port: number };
  /** The route ports, one Caddy server each (Caddy 2.6 has no placeholder for the local port). */
  routePorts: readonly number[];
  listenHost?: string;
  /** Our DNS responder. */
  resolver: { host: string; port: number };
  /** Caddy's own storage lives under here (`<dataDir>/storage`). */
  dataDir: string;
  /** How often Caddy re-asks the responder: the switch latency is at most about this. */
  refreshMs?: number;
  /** Must exceed the expected concurrent requests per upstream, or the pool churns connections. */
  maxIdleConnsPerHost?: number;
  /** Below Node's default server keep-alive (5 s), so Caddy drops an idle connection before the backend does. */
  idleTimeoutMs?: number;
  dialTimeoutMs?: number;
  /** Retry window for requests that found no upstream or could not dial one (0 = no retries). */
  tryDurationMs?: number;
  tryIntervalMs?: number;
  /** How long a stopping Caddy waits for requests in flight. */
  gracePeriodMs?: number;
  /** Shared HTTPS/HTTP listeners for domains (absent: route ports only). */
  https?: EdgeHttpsOptions;
}

export const EDGE_DEFAULTS = {
  refreshMs: 5,
  maxIdleConnsPerHost: 1024,
  idleTimeoutMs: 4_000,
  dialTimeoutMs: 2_000,
  tryDurationMs: 0,
  tryIntervalMs: 25,
  gracePeriodMs: 2_000,
} as const;

/** The JSON Caddy runs with; kept as plain data so it can be written to a file and compared with /config/. */
export type CaddyConfig = Record<string, unknown> & { admin: { listen: string; [key: string]: unknown } };

export const ms = (n: number) => `${Math.round(n)}ms`;
const hostPort = (host: string, port: number) => (isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`);

/** `count` consecutive ports starting at `first`. */
export function routePortRange(first: number, count: number): number[] {
  if (!Number.isInteger(first) || !Number.isInteger(count) || count < 1 || first < 1 || first + count - 1 > 65535) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `route port range ${first}+${count} is not within 1-65535`,
      'routePorts',
    );
  }
  return Array.from({ length: count }, (_, i) => first + i);
}

/** Caddy's server name for a route port. */
export const serverName = (port: number) => `r${port}`;

export function buildCaddyConfig(options: EdgeCaddyOptions): CaddyConfig {
  const o = { ...EDGE_DEFAULTS, ...stripUndefined(options) };
  const listenHost = options.listenHost ?? '127.0.0.1';
  const resolver = { addresses: [`udp/${hostPort(o.resolver.host, o.resolver.port)}`] };
  const servers: Record<string, unknown> = {};
  const loadBalancing =
    o.tryDurationMs > 0
      ? { load_balancing: { try_duration: ms(o.tryDurationMs), try_interval: ms(o.tryIntervalMs) } }
      : {};
  const proxyTo = (srvName: string) => ({
    handler: 'reverse_proxy',
    dynamic_upstreams: {
      source: 'srv',
      // Absolute (trailing dot), so Go's resolver never walks resolv.conf's search list.
      name: srvName,
      refresh: ms(o.refreshMs),
      resolver,
      dial_timeout: ms(o.dialTimeoutMs),
    },
    ...loadBalancing,
    transport: {
      protocol: 'http',
      // The SRV targets are names only our responder knows.
      resolver,
      dial_timeout: ms(o.dialTimeoutMs),
      keep_alive: {
        enabled: true,
        probe_interval: '30s',
        max_idle_conns_per_host: o.maxIdleConnsPerHost,
        idle_timeout: ms(o.idleTimeoutMs),
      },
    },
  });
  for (const port of new Set(o.routePorts)) {
    servers[serverName(port)] = {
      listen: [hostPort(listenHost, port)],
      automatic_https: { disable: true },
      // Per-server request counts, errors and latency (Caddy 2.6 collects none without it): the edge's /metrics relabels them.
      metrics: {},
      // Plain HTTP only: no TLS here, so no HTTP/3 (UDP) listener either.
      protocols: ['h1', 'h2'],
      routes: [{ handle: [proxyTo(`${routeName(port)}.`)] }],
    };
  }
  const https = o.https ? httpsParts(o.https, { listen: (port) => hostPort(listenHost, port), proxyTo }) : null;
  return {
    admin: { listen: adminListen(o.admin), config: { persist: false } },
    // Certificates and keys (0600) and the internal CA live here, so they survive restarts of Caddy and the edge.
    storage: { module: 'file_system', root: join(o.dataDir, 'storage') },
    apps: {
      http: {
        grace_period: ms(o.gracePeriodMs),
        // Caddy's ACME challenges and its own idea of "the HTTPS port" follow our listeners.
        ...(o.https ? { http_port: o.https.httpPort, https_port: o.https.httpsPort } : {}),
        servers: { ...servers, ...https?.servers },
      },
      ...https?.apps,
    },
  };
}

/** Longest unix socket path Linux takes (sun_path is 108 bytes with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

function adminListen(admin: EdgeCaddyOptions['admin']): string {
  if (!('socket' in admin)) return hostPort(admin.host ?? '127.0.0.1', admin.port);
  if (Buffer.byteLength(admin.socket) > MAX_SOCKET_PATH) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `Caddy's admin socket path ${admin.socket} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter --data-dir`,
      'dataDir',
    );
  }
  return `unix/${admin.socket}`;
}

/** The admin endpoint a built config listens on, as `caddyAdmin` takes it: `unix:/path` or `http://host:port`. */
export function adminUrlOf(config: CaddyConfig): string {
  const listen = config.admin.listen;
  return listen.startsWith('unix/') ? `unix:${listen.slice('unix/'.length)}` : `http://${listen}`;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
