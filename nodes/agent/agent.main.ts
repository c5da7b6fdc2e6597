// `compartment node`: runs a node agent that joins the cluster at --nats, hosts deployments and serves the API.
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { installCrashGuards } from '../shared/crash-guards.js';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { privateDataDir } from '../shared/data-dir.js';
import { connectCluster, securityOptions, SECURITY_FLAGS, type SecurityFlags } from '../../cluster/connection/index.js';
import { Agent } from './agent.js';
import { ensureKeyFile, KeyRing } from '../../cluster/secrets/index.js';
import { EdgeCompanion } from './cluster-role/edge-companion.js';
import { setActorInspector } from './host/actor-host.js';
import { parsePort, parsePortRange, parsePositiveInt, serverId } from '../shared/server-flags.js';
import { METRICS_FLAGS, parseMetricsPort, serveMetrics } from '../shared/metrics-server.js';
import { AgentMetrics } from './agent-metrics.js';
import { errorText } from '../../packages/protocol/index.js';

const version = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const program = new Command('compartment node')
  .description('run a node agent: host deployment actors, run their workloads, serve the API over NATS')
  .requiredOption('--nats <urls>', 'NATS server URL(s), comma-separated')
  .requiredOption('--data-dir <dir>', 'where releases, workloads and their logs live')
  .requiredOption(
    '--route-ports <from-to>',
    "the edge ports routes get, e.g. 8100-8199 (same as the edges')",
    parsePortRange,
  )
  .option('--route-host <host>', 'host part of route URLs', '127.0.0.1')
  .option(
    '--https-port <port>',
    "the edges' HTTPS port: route URLs of services with domains name it unless it is 443",
    parsePort,
    443,
  )
  .option('--workload-host <host>', 'address the edges dial to reach workloads on this node', '127.0.0.1')
  .option('--name <id>', 'node id (default: remembered in the data dir)')
  .option(
    '--cluster-key <file>',
    "the cluster key file (0600) that seals secrets; joining nodes need a copy of the cluster's (default: <data-dir>/cluster.key, created when missing)",
  )
  .option('--build-slots <n>', 'builds run at once on this node; the rest wait as queued', parsePositiveInt, 2)
  .option('--keep-releases <n>', 'releases kept per service and environment for rollback', parsePositiveInt, 5)
  .option('--keep-records <n>', 'deployment records kept per service and environment (history)', parsePositiveInt, 50)
  .option('--log-max-age <days>', 'log stream retention: age', parsePositiveInt, 7)
  .option('--log-max-mb <mb>', 'log stream retention: size', parsePositiveInt, 1024)
  .option('--keep-workloads', 'leave workloads running when this agent is asked to stop', false)
  .option(
    '--replicas <n>',
    'JetStream replicas of the buckets and streams this node creates (3 on a three-server cluster)',
    parsePositiveInt,
    1,
  )
  .option('--edge', 'also run an edge here (Caddy and its DNS responder), kept running by this agent', false)
  .option('--edge-listen-host <host>', "address the edge's route ports listen on (default: --route-host)")
  .addOption(
    new Option('--edge-external', 'an edge runs beside this node, started by someone else (compartment up)').hideHelp(),
  )
  .option(
    '--workload-user <name>',
    'as root: the user process builds and workloads run as (env COMPARTMENT_WORKLOAD_USER)',
    process.env.COMPARTMENT_WORKLOAD_USER ?? 'compartment-run',
  )
  .option(
    '--workload-dir <dir>',
    'where process releases live (default <data-dir>/process); the workload user must be able to traverse its path',
  )
  .option(
    '--docker-socket <path>',
    'Docker engine socket for runtime: docker services (default: DOCKER_HOST unix://…, else /var/run/docker.sock)',
  )
  .option(
    '--inspect <ws-url>',
    'also send XState inspection events to a Stately-compatible WebSocket inspector, e.g. ws://localhost:8080',
    (v: string) => {
      if (!/^wss?:\/\/\S+$/.test(v)) throw new InvalidArgumentError('expected a ws:// or wss:// URL');
      return v;
    },
  )
  .option(METRICS_FLAGS.host[0], METRICS_FLAGS.host[1], METRICS_FLAGS.host[2])
  .option(METRICS_FLAGS.port[0], METRICS_FLAGS.port[1], parseMetricsPort, 0)
  .allowExcessArguments(false);
for (const [flag, description] of SECURITY_FLAGS) program.option(flag, description);

program.parse(process.argv.slice(3), { from: 'user' });
const o = program.opts<
  {
    nats: string;
    dataDir: string;
    routePorts: number[];
    routeHost: string;
    httpsPort: number;
    workloadHost: string;
    name?: string;
    clusterKey?: string;
    workloadUser: string;
    workloadDir?: string;
    buildSlots: number;
    keepReleases: number;
    keepRecords: number;
    logMaxAge: number;
    logMaxMb: number;
    keepWorkloads: boolean;
    replicas: number;
    edge: boolean;
    edgeExternal?: boolean;
    edgeListenHost?: string;
    dockerSocket?: string;
    inspect?: string;
    metricsHost: string;
    metricsPort: number;
  } & SecurityFlags
>();
const log = pino({ name: 'compartment-node' });
installCrashGuards(log);
// 0711 (releases below are reachable by the workload user), everything this agent writes from here on 0600/0700.
privateDataDir(o.dataDir, ['process']);
const nodeId = serverId(o.dataDir, 'node', o.name);
const logger = {
  info: (message: string) => log.info(message),
  warn: (message: string, error?: unknown) => (error ? log.warn({ err: error }, message) : log.warn(message)),
};

let inspector: { stop(): void } | null = null;
if (o.inspect) {
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  // Contexts, the init event and every effect's input carry the service's variables, secrets included: whatever goes to
  // an external inspector is serialized here with their values masked (and cycles cut, as the default serializer does).
  const redact = <T>(value: T): T => {
    const seen = new WeakSet<object>();
    const text = JSON.stringify(value, (key, v: unknown) => {
      if (key === 'variables' && v && typeof v === 'object')
        return Object.fromEntries(Object.keys(v).map((k) => [k, '***']));
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    });
    return JSON.parse(text ?? 'null') as T;
  };
  const ws = createWebSocketInspector({ url: o.inspect, serialize: redact });
  setActorInspector(ws.inspect);
  inspector = ws;
  log.info({ url: o.inspect }, 'forwarding XState inspection events');
}

// A path, never the key itself: a flag would show in `ps`. Only this process reads it; workloads get no copy.
const keyFile = resolve(o.clusterKey ?? join(o.dataDir, 'cluster.key'));
if (!o.clusterKey && ensureKeyFile(keyFile))
  log.warn({ keyFile }, 'created a new cluster key: nodes joining this cluster need a copy (--cluster-key)');
const keys = (() => {
  try {
    return new KeyRing(keyFile);
  } catch (e) {
    log.error(errorText(e));
    process.exit(2);
  }
})();
if ((statSync(keyFile).mode & 0o077) !== 0)
  log.warn({ keyFile }, 'the cluster key file is readable by other users: chmod 600 it');

// Served before joining, so the heartbeat can tell the cluster where; loopback unless --metrics-host says otherwise.
const metrics = new AgentMetrics(nodeId);
const metricsServer = await serveMetrics(o.metricsHost, o.metricsPort, () => metrics.render(), logger.warn);
log.info({ url: metricsServer.url }, 'serving metrics');

const conn = await connectCluster({
  servers: o.nats.split(','),
  name: `compartment-node-${nodeId}`,
  waitOnFirstConnect: true,
  nats: securityOptions(o),
});
const agent = await Agent.start(
  conn,
  {
    nodeId,
    dataDir: o.dataDir,
    routeHost: o.routeHost,
    routePorts: o.routePorts,
    httpsPort: o.httpsPort,
    workloadHost: o.workloadHost,
    workloadUser: o.workloadUser,
    ...(o.workloadDir ? { workloadDir: o.workloadDir } : {}),
    ...(o.dockerSocket ? { dockerSocket: o.dockerSocket } : {}),
    buildSlots: o.buildSlots,
    keepReleases: o.keepReleases,
    keepRecords: o.keepRecords,
    version,
    edge: o.edge || Boolean(o.edgeExternal),
    keys,
    metrics,
    metricsUrl: metricsServer.url,
    cluster: { replicas: o.replicas, logs: { maxAgeMs: o.logMaxAge * 86_400_000, maxBytes: o.logMaxMb * 1024 * 1024 } },
  },
  logger,
);
let companion: EdgeCompanion | null = null;
if (o.edge) {
  companion = new EdgeCompanion({
    bin: process.argv[1]!,
    natsUrl: o.nats,
    dataDir: o.dataDir,
    routePorts: [o.routePorts[0]!, o.routePorts.at(-1)!],
    listenHost: o.edgeListenHost ?? o.routeHost,
    passThrough: [
      ['--replicas', String(o.replicas)],
      ...(['natsCreds', 'natsTlsCa', 'natsTlsCert', 'natsTlsKey'] as const).flatMap((k) =>
        o[k] ? [[`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, o[k]!]] : [],
      ),
    ].flat(),
    log: (m) => log.info(m),
  });
  await companion.start();
}
log.info({ nodeId, version }, 'node agent ready');

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'node agent stopping');
    inspector?.stop();
    void agent
      .stop(o.keepWorkloads)
      .then(() => companion?.stop())
      .then(() => conn.close())
      .then(() => metricsServer.close())
      .catch((e) => logger.warn('error while stopping', e))
      .finally(() => process.exit(0));
  });
}
