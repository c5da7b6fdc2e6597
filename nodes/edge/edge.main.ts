// `compartment edge`: the routing data plane of one machine (route table from KV, DNS responder, Caddy).
import { Command } from 'commander';
import pino from 'pino';
import { installCrashGuards } from '../shared/crash-guards.js';
import { connectCluster, securityOptions, SECURITY_FLAGS, type SecurityFlags } from '../../cluster/connection/index.js';
import { ensureCluster } from '../../cluster/setup/index.js';
import { EdgeService } from './edge.service.js';
import { join } from 'node:path';
import { privateDataDir } from '../shared/data-dir.js';
import { whenClusterAccepts } from '../shared/retry.js';
import { parsePort, parsePortRange, parsePositiveInt, serverId } from '../shared/server-flags.js';
import { METRICS_FLAGS, parseMetricsPort, serveMetrics } from '../shared/metrics-server.js';
import { EdgeMetrics } from './edge-metrics.js';
import { InvalidArgumentError } from 'commander';
import { EDGE_DEFAULTS, rootCertificatePath } from '../../packages/edge/index.js';
import { mayBindPrivilegedPorts } from './privileged-ports.js';

const program = new Command('compartment edge')
  .description('run an edge: Caddy plus the DNS responder that serves it the routes stored in NATS')
  .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated')
  .requiredOption('--data-dir <dir>', "where Caddy's config, storage and logs live")
  .requiredOption('--dns-port <port>', 'UDP/TCP port of the DNS responder Caddy resolves upstreams from', parsePort)
  .option(
    '--caddy-admin-socket <path>',
    "unix socket of Caddy's admin endpoint (default <data-dir>/admin/caddy.sock, its dir 0700)",
  )
  .requiredOption('--route-ports <from-to>', 'the edge ports routes get, e.g. 8100-8199', parsePortRange)
  .option('--listen-host <host>', 'address the route ports listen on', '127.0.0.1')
  .option(
    '--https-port <port>',
    'shared HTTPS port for domains (default 443 when this process may bind it; 0: no domains)',
    parsePortOrZero,
  )
  .option(
    '--http-port <port>',
    'shared HTTP port: redirects to HTTPS (default 80 with the default HTTPS port)',
    parsePort,
  )
  .option(
    '--tls <issuer>',
    "certificates: acme (Let's Encrypt, then ZeroSSL, on demand) or internal (Caddy's own CA, for local use)",
    parseTls,
    'acme',
  )
  .option('--acme-email <email>', 'account email for the ACME issuers (expiry notices)')
  .option(
    '--refresh-ms <ms>',
    'how often Caddy re-resolves a route (each busy route costs one lookup per refresh)',
    parsePositiveInt,
    EDGE_DEFAULTS.refreshMs,
  )
  .option('--name <id>', 'edge id (default: remembered in the data dir)')
  .option('--replicas <n>', 'JetStream replicas of the buckets this edge creates if it is first', parsePositiveInt, 1)
  .option('--keep-caddy', 'leave Caddy serving when this process is asked to stop (e.g. to upgrade the edge)', false)
  .option(METRICS_FLAGS.host[0], METRICS_FLAGS.host[1], METRICS_FLAGS.host[2])
  .option(METRICS_FLAGS.port[0], METRICS_FLAGS.port[1], parseMetricsPort, 0)
  .allowExcessArguments(false);
for (const [flag, description] of SECURITY_FLAGS) program.option(flag, description);

program.parse(process.argv.slice(3), { from: 'user' });
const o = program.opts<
  {
    nats: string;
    dataDir: string;
    dnsPort: number;
    caddyAdminSocket?: string;
    routePorts: number[];
    listenHost: string;
    refreshMs: number;
    name?: string;
    keepCaddy: boolean;
    replicas: number;
    metricsHost: string;
    metricsPort: number;
    httpsPort?: number;
    httpPort?: number;
    tls: 'acme' | 'internal';
    acmeEmail?: string;
  } & SecurityFlags
>();
const log = pino({ name: 'compartment-edge' });
installCrashGuards(log);
// Caddy's config, storage, log and admin socket: 0700/0600, nothing a workload may read or reach.
privateDataDir(o.dataDir);
const edgeId = serverId(o.dataDir, 'edge', o.name);

// Served before the heartbeat starts, so it can say where; Caddy's part of it answers once Caddy runs.
let edgeMetrics: EdgeMetrics | null = null;
const metricsServer = await serveMetrics(
  o.metricsHost,
  o.metricsPort,
  async () => (edgeMetrics ? edgeMetrics.render() : ''),
  (m, e) => log.warn({ err: e }, m),
);
const edge = new EdgeService({
  metricsUrl: metricsServer.url,
  edgeId,
  dataDir: o.dataDir,
  dnsHost: '127.0.0.1',
  dnsPort: o.dnsPort,
  caddyAdminSocket: o.caddyAdminSocket ?? join(o.dataDir, 'admin', 'caddy.sock'),
  routePorts: o.routePorts,
  listenHost: o.listenHost,
  refreshMs: o.refreshMs,
  ...httpsOf(),
  log: (message, error) => (error ? log.warn({ err: error }, message) : log.info(message)),
});
// A restart: the running Caddy resolves through us again before NATS is even reached.
const cached = await edge.serveCached();
if (cached > 0)
  log.info({ routes: cached }, 'answering from the routes this edge last knew until the route watch catches up');

const conn = await connectCluster({
  servers: o.nats.split(','),
  name: `compartment-edge-${edgeId}`,
  waitOnFirstConnect: true,
  nats: securityOptions(o),
});
await whenClusterAccepts(
  () => ensureCluster(conn, { replicas: o.replicas }),
  (e) => log.warn({ err: e }, 'waiting for JetStream to accept the buckets'),
);
edgeMetrics = new EdgeMetrics(edge);
await edge.start(conn);
if (o.tls === 'internal' && edge.opts.https)
  log.info(
    { rootCertificate: rootCertificatePath(edge.storageRoot()) },
    'internal CA: clients trust this root (curl --cacert)',
  );
log.info({ edgeId, routes: `${o.routePorts[0]}-${o.routePorts.at(-1)}` }, 'edge ready');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'edge stopping');
    void edge
      .stop(!o.keepCaddy)
      .then(() => conn.close())
      .then(() => metricsServer.close())
      .finally(() => process.exit(0));
  });
}

function parsePortOrZero(text: string): number {
  return text === '0' ? 0 : parsePort(text);
}

function parseTls(text: string): 'acme' | 'internal' {
  if (text !== 'acme' && text !== 'internal') throw new InvalidArgumentError('expected acme or internal');
  return text;
}

/** Domains on --https-port/--http-port; by default 443/80 when this process may bind them, else none (said in the log). */
function httpsOf(): {
  https?: { httpsPort: number; httpPort: number; tls: { issuer: 'internal' } | { issuer: 'acme'; email?: string } };
} {
  const tls =
    o.tls === 'internal'
      ? { issuer: 'internal' as const }
      : { issuer: 'acme' as const, ...(o.acmeEmail ? { email: o.acmeEmail } : {}) };
  if (o.httpsPort === 0) return {};
  if (o.httpsPort === undefined && !mayBindPrivilegedPorts()) {
    log.warn('no --https-port, and this process may not bind ports below 1024: serving no domains (route ports only)');
    return {};
  }
  const httpsPort = o.httpsPort ?? 443;
  const httpPort = o.httpPort ?? (httpsPort === 443 ? 80 : NaN);
  if (Number.isNaN(httpPort)) {
    log.error('--https-port needs --http-port too (the HTTP listener that redirects to it)');
    process.exit(2);
  }
  return { https: { httpsPort, httpPort, tls } };
}
