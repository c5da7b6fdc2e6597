// `compartment node`: runs a node agent that joins the cluster at --nats, hosts deployments and serves the API.
import { Command } from 'commander';
import pino from 'pino';
import { readFileSync } from 'node:fs';
import { connectCluster } from '../../cluster/connection/index.js';
import { Agent } from './agent.js';
import { parsePortRange, parsePositiveInt, serverId } from '../shared/server-flags.js';

const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command('compartment node')
  .description('run a node agent: host deployment actors, run their workloads, serve the API over NATS')
  .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated')
  .requiredOption('--data-dir <dir>', 'where releases, workloads and their logs live')
  .requiredOption('--route-ports <from-to>', "the edge ports routes get, e.g. 8100-8199 (same as the edges')", parsePortRange)
  .option('--route-host <host>', 'host part of route URLs', '127.0.0.1')
  .option('--workload-host <host>', 'address the edges dial to reach workloads on this node', '127.0.0.1')
  .option('--name <id>', 'node id (default: remembered in the data dir)')
  .option('--build-slots <n>', 'builds run at once on this node; the rest wait as queued', parsePositiveInt, 2)
  .option('--keep-releases <n>', 'releases kept per service and environment for rollback', parsePositiveInt, 5)
  .option('--keep-records <n>', 'deployment records kept per service and environment (history)', parsePositiveInt, 50)
  .option('--log-max-age <days>', 'log stream retention: age', parsePositiveInt, 7)
  .option('--log-max-mb <mb>', 'log stream retention: size', parsePositiveInt, 1024)
  .option('--keep-workloads', 'leave workloads running when this agent is asked to stop', false)
  .option('--nats-creds <file>', 'NATS credentials file')
  .allowExcessArguments(false);

program.parse(process.argv.slice(3), { from: 'user' });
const o = program.opts<{
  nats: string; dataDir: string; routePorts: number[]; routeHost: string; workloadHost: string; name?: string;
  buildSlots: number; keepReleases: number; keepRecords: number; logMaxAge: number; logMaxMb: number; keepWorkloads: boolean; natsCreds?: string;
}>();
const log = pino({ name: 'compartment-node' });
const nodeId = serverId(o.dataDir, 'node', o.name);
const logger = {
  info: (message: string) => log.info(message),
  warn: (message: string, error?: unknown) => (error ? log.warn({ err: error }, message) : log.warn(message)),
};

const { credsAuthenticator } = await import('@nats-io/nats-core');
const conn = await connectCluster({
  servers: o.nats.split(','),
  name: `compartment-node-${nodeId}`,
  waitOnFirstConnect: true,
  ...(o.natsCreds ? { nats: { authenticator: credsAuthenticator(readFileSync(o.natsCreds)) } } : {}),
});
const agent = await Agent.start(
  conn,
  {
    nodeId,
    dataDir: o.dataDir,
    routeHost: o.routeHost,
    routePorts: o.routePorts,
    workloadHost: o.workloadHost,
    buildSlots: o.buildSlots,
    keepReleases: o.keepReleases,
    keepRecords: o.keepRecords,
    version,
    cluster: { logs: { maxAgeMs: o.logMaxAge * 86_400_000, maxBytes: o.logMaxMb * 1024 * 1024 } },
  },
  logger,
);
log.info({ nodeId, version }, 'node agent ready');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'node agent stopping');
    void agent
      .stop(o.keepWorkloads)
      .then(() => conn.close())
      .catch((e) => logger.warn('error while stopping', e))
      .finally(() => process.exit(0));
  });
}
