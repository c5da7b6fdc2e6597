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

const program = new Command('compartment edge')
  .description('run an edge: Caddy plus the DNS responder that serves it the routes stored in NATS')
  .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated')
  .requiredOption('--data-dir <dir>', "where Caddy's config, storage and logs live")
  .requiredOption('--dns-port <port>', 'UDP/TCP port of the DNS responder Caddy resolves upstreams from', parsePort)
  .option('--caddy-admin-socket <path>', "unix socket of Caddy's admin endpoint (default <data-dir>/admin/caddy.sock, its dir 0700)")
  .requiredOption('--route-ports <from-to>', 'the edge ports routes get, e.g. 8100-8199', parsePortRange)
  .option('--listen-host <host>', 'address the route ports listen on', '127.0.0.1')
  .option('--refresh-ms <ms>', 'how often Caddy re-resolves a route', parsePositiveInt, 20)
  .option('--name <id>', 'edge id (default: remembered in the data dir)')
  .option('--replicas <n>', 'JetStream replicas of the buckets this edge creates if it is first', parsePositiveInt, 1)
  .option('--keep-caddy', 'leave Caddy serving when this process is asked to stop (e.g. to upgrade the edge)', false)
  .allowExcessArguments(false);
for (const [flag, description] of SECURITY_FLAGS) program.option(flag, description);

program.parse(process.argv.slice(3), { from: 'user' });
const o = program.opts<{
  nats: string; dataDir: string; dnsPort: number; caddyAdminSocket?: string; routePorts: number[];
  listenHost: string; refreshMs: number; name?: string; keepCaddy: boolean; replicas: number;
} & SecurityFlags>();
const log = pino({ name: 'compartment-edge' });
installCrashGuards(log);
// Caddy's config, storage, log and admin socket: 0700/0600, nothing a workload may read or reach.
privateDataDir(o.dataDir);
const edgeId = serverId(o.dataDir, 'edge', o.name);

const conn = await connectCluster({ servers: o.nats.split(','), name: `compartment-edge-${edgeId}`, waitOnFirstConnect: true, nats: securityOptions(o) });
await whenClusterAccepts(() => ensureCluster(conn, { replicas: o.replicas }), (e) => log.warn({ err: e }, 'waiting for JetStream to accept the buckets'));
const edge = new EdgeService(conn, {
  edgeId,
  dataDir: o.dataDir,
  dnsHost: '127.0.0.1',
  dnsPort: o.dnsPort,
  caddyAdminSocket: o.caddyAdminSocket ?? join(o.dataDir, 'admin', 'caddy.sock'),
  routePorts: o.routePorts,
  listenHost: o.listenHost,
  refreshMs: o.refreshMs,
  log: (message, error) => (error ? log.warn({ err: error }, message) : log.info(message)),
});
await edge.start();
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
      .finally(() => process.exit(0));
  });
}
