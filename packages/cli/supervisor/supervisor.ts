// The `up` supervisor: runs nats-server(s), then edge(s) and node agent(s) and the dashboard, keeps them up, stops them in order.
import { setTimeout as sleep } from 'node:timers/promises';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompartmentError } from '../../protocol/index.js';
import {
  readClusterFile,
  readContext,
  writeClusterFile,
  writeContext,
  STATE_DIR,
  type ClusterContext,
  type ClusterPorts,
} from './cluster-files.js';
import { ManagedChild, type ChildSpec } from './managed-child.js';
import { pickClusterPorts, pickDashboardPort, pickHttpsPorts, tcpFree } from './port-picker.js';
import { isOurs, natsAnswers, waitForExit } from './process-check.js';
import { childName, membersOf, serverArgs, type ServerName } from './server-args.js';
import { dashboardLink, dashboardTokenFile, writeDashboardToken } from './dashboard-token.js';
import { ensureClusterKey } from './cluster-key.js';
import { prepareSecurity } from './cluster-security.js';
import type { TlsFiles } from './nats-config.js';

export interface SupervisorOptions {
  projectDir: string;
  dataDir: string;
  /** The `compartment` executable whose `edge` and `node` commands run the servers. */
  bin: string;
  /** Print the dashboard's URL with its token (a person's terminal); else name the token file (a log file). */
  showDashboardToken?: boolean;
  /** `--nodes N`; undefined keeps what the project's cluster already has (1 for a new one). */
  nodes?: number;
  /** `up --nats-tls-*`: serve client and route connections with TLS (kept in cluster.json for later `up`s). */
  tls?: TlsFiles;
  log(line: string): void;
}

const STOP_GRACE_MS = 30_000;
const NATS_START_TIMEOUT_MS = 30_000;

/** Runs until SIGTERM/SIGINT; resolves with the exit code. */
export async function runSupervisor(opts: SupervisorOptions): Promise<number> {
  const { projectDir, dataDir, log } = opts;
  let ports = await portsFor(projectDir, dataDir, opts.nodes, opts.tls);
  const tls = opts.tls ?? readClusterFile(projectDir)?.tls;
  const members = membersOf(ports);
  const natsUrls = members.map((m) => `nats://127.0.0.1:${m.nats}`);
  const natsUrl = natsUrls.join(',');
  await stopLeftovers(projectDir, log);
  ports = await withDashboardPort(projectDir, dataDir, ports);
  ports = await withHttpsPorts(projectDir, dataDir, ports);
  const dashboardUrl = `http://127.0.0.1:${ports.dashboard}`;
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  if (ensureClusterKey(dataDir).created)
    log(`created the cluster key ${join(dataDir, 'cluster.key')} (0600): keep it, secrets are sealed with it`);
  for (const i of members.keys())
    for (const d of ['nats', 'edge', 'node'] as const)
      mkdirSync(join(dataDir, childName(d, i + 1)), { recursive: true });
  lockDataDir(
    dataDir,
    members.map((_, i) => childName('node', i + 1)),
  );
  // Benchmarks only (the with/without-auth row): a cluster any local process can control.
  const insecure = process.env.COMPARTMENT_NATS_AUTH === 'off';
  if (insecure)
    log(
      'WARNING: COMPARTMENT_NATS_AUTH=off: NATS runs without authentication; any local process can control this cluster',
    );
  const security = insecure ? undefined : prepareSecurity(dataDir, ports, tls);
  for (const m of members) {
    if (!(await tcpFree(m.nats))) {
      throw new CompartmentError(
        'CLUSTER_UNAVAILABLE',
        `port ${m.nats} (NATS, kept in .compartment/cluster.json) is in use by another process`,
      );
    }
  }

  const context: ClusterContext = {
    natsUrl,
    pid: process.pid,
    ports,
    dataDir,
    projectDir,
    children: { nats: null, edge: null, node: null, dashboard: null },
    dashboardUrl,
    tlsCa: security ? (tls?.ca ?? null) : null,
    startedAt: new Date().toISOString(),
    stoppedAt: null,
  };
  writeContext(projectDir, context);

  const children = new Map<string, ManagedChild>();
  const events = {
    started: (name: string, pid: number, restarts: number) => {
      context.children[name] = pid;
      writeContext(projectDir, context);
      log(`${name} ${restarts ? 'restarted' : 'started'} (pid ${pid}), log: ${join(dataDir, 'logs', `${name}.log`)}`);
    },
    exited: (name: string, code: number | null, signal: string | null, restartInMs: number | null) => {
      context.children[name] = null;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      log(
        restartInMs === null
          ? `${name} stopped (${how})`
          : `${name} exited unexpectedly (${how}); restarting in ${restartInMs} ms`,
      );
    },
  };
  const make = (kind: ServerName, member = 1): ManagedChild => {
    const name = childName(kind, member);
    const { command, args } = serverArgs(kind, {
      bin: opts.bin,
      natsUrl,
      dataDir,
      ports,
      projectDir,
      member,
      security,
    });
    const spec: ChildSpec = { name, command, args, logFile: join(dataDir, 'logs', `${name}.log`), cwd: projectDir };
    const child = new ManagedChild(spec, events);
    children.set(name, child);
    return child;
  };
  const numbers = members.map((_, i) => i + 1);

  let stopRequested = false;
  let requestStop: () => void = () => undefined;
  const stop = new Promise<void>((resolve) => (requestStop = resolve));
  // SIGHUP too: children run in their own process groups, so a closed terminal would otherwise orphan them.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stopRequested = true;
      requestStop();
    });
  }

  const servers = numbers.map((i) => make('nats', i));
  for (const s of servers) s.start();
  const allAnswer = Promise.all(natsUrls.map((u) => waitForNats(u, NATS_START_TIMEOUT_MS))).then((ok) =>
    ok.every(Boolean),
  );
  const started = await Promise.race([
    allAnswer,
    ...servers.map((s) => s.exited().then(() => false)),
    stop.then(() => false),
  ]);
  if (started) {
    log(`NATS answers at ${natsUrl}`);
    for (const i of numbers) make('edge', i).start();
    if (ports.https)
      log(
        `domains: https on port ${ports.https}, http on ${ports.http}; certificates from the internal CA, root ${rootCertificateOf(dataDir)} (curl --cacert)`,
      );
    for (const i of numbers) make('node', i).start();
    const token = writeDashboardToken(dataDir);
    make('dashboard').start();
    log(
      `dashboard: ${opts.showDashboardToken ? dashboardLink(dashboardUrl, token) : `${dashboardUrl} (token in ${dashboardTokenFile(dataDir)})`}`,
    );
    await stop;
  } else if (!stopRequested) {
    log(`nats-server did not start; see ${join(dataDir, 'logs', 'nats.log')}`);
  }

  // The dashboard only reads: it goes first, so it never shows the others stopping as a failure.
  await children.get('dashboard')?.stop(STOP_GRACE_MS);
  log('stopping node, edge, nats');
  for (const kind of ['node', 'edge', 'nats'] as const)
    await Promise.all(numbers.map((i) => children.get(childName(kind, i))?.stop(STOP_GRACE_MS)));
  const none = Object.fromEntries(Object.keys(context.children).map((k) => [k, null])) as ClusterContext['children'];
  writeContext(projectDir, {
    ...context,
    pid: null,
    children: none,
    dashboardUrl: null,
    stoppedAt: new Date().toISOString(),
  });
  log('stopped');
  return started || stopRequested ? 0 : 1;
}

async function waitForNats(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await natsAnswers(url, 500)) return true;
    await sleep(100);
  }
  return false;
}

/** Ports from cluster.json when there is one (route URLs name them), otherwise picked now and kept. */
async function portsFor(
  projectDir: string,
  dataDir: string,
  nodes: number | undefined,
  tls: TlsFiles | undefined,
): Promise<ClusterPorts> {
  const kept = readClusterFile(projectDir);
  const have = kept ? membersOf(kept.ports).length : null;
  if (have !== null && nodes !== undefined && nodes !== have) {
    // Its buckets were created with that many copies; a different shape needs a fresh cluster.
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `--nodes ${nodes}: this project's local cluster has ${have} node(s); \`compartment down\` and remove ${STATE_DIR}/ to start a different one`,
      '--nodes',
    );
  }
  const ports = kept?.ports ?? (await pickClusterPorts(nodes ?? 1));
  if (!kept || kept.dataDir !== dataDir || tls)
    writeClusterFile(projectDir, { ports, dataDir, ...((tls ?? kept?.tls) ? { tls: tls ?? kept!.tls! } : {}) });
  return ports;
}

/** The kept dashboard port, unless cluster.json predates it or something else took it since: then a new one, kept. */
async function withDashboardPort(projectDir: string, dataDir: string, ports: ClusterPorts): Promise<ClusterPorts> {
  if (ports.dashboard !== undefined && (await tcpFree(ports.dashboard))) return ports;
  const taken = new Set([ports.nats, ports.dns, ports.caddyAdmin]);
  for (let p = ports.routes[0]; p <= ports.routes[1]; p++) taken.add(p);
  const next = { ...ports, dashboard: await pickDashboardPort(taken) };
  const tls = readClusterFile(projectDir)?.tls;
  writeClusterFile(projectDir, { ports: next, dataDir, ...(tls ? { tls } : {}) });
  return next;
}

/** cluster.json written before domains has no HTTPS ports: pick them now and keep them. */
async function withHttpsPorts(projectDir: string, dataDir: string, ports: ClusterPorts): Promise<ClusterPorts> {
  if (ports.https !== undefined && ports.http !== undefined) return ports;
  const taken = new Set([ports.nats, ports.dns, ports.caddyAdmin, ...(ports.dashboard ? [ports.dashboard] : [])]);
  for (let p = ports.routes[0]; p <= ports.routes[1]; p++) taken.add(p);
  const next = { ...ports, ...(await pickHttpsPorts(taken, membersOf(ports).length)) };
  const tls = readClusterFile(projectDir)?.tls;
  writeClusterFile(projectDir, { ports: next, dataDir, ...(tls ? { tls } : {}) });
  return next;
}

/** Where the first edge's Caddy keeps its internal CA root (each edge of `up --nodes N` has its own, below edge-N/). */
export function rootCertificateOf(dataDir: string, member = 1): string {
  return join(dataDir, childName('edge', member), 'caddy', 'storage', 'pki', 'authorities', 'local', 'root.crt');
}

/**
 * Children of a supervisor that died without stopping them would hold the ports and nats' data dir lock.
 * Stops them in the usual order; a pid only counts if its command line still names our data dir.
 */
export async function stopLeftovers(projectDir: string, log: (line: string) => void): Promise<void> {
  const previous = readContext(projectDir);
  if (!previous?.children) return;
  const order = ['dashboard', 'node', 'edge', 'nats'];
  const names = Object.keys(previous.children).sort(
    (a, b) => order.indexOf(a.split('-')[0]!) - order.indexOf(b.split('-')[0]!),
  );
  for (const name of names) {
    const pid = previous.children[name] ?? null;
    // Servers name the data dir in their flags; the dashboard has none, but names the cluster's NATS.
    const ours = (argv: string[]) =>
      name === 'dashboard'
        ? argv.includes('dashboard') && argv.includes(previous.natsUrl)
        : argv.some((a) => a.startsWith(previous.dataDir));
    if (!isOurs(pid, ours)) continue;
    log(`stopping ${name} (pid ${pid}) left over from an earlier run`);
    try {
      process.kill(pid, 'SIGTERM');
      if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * The data dir is traverse-only (0711) so that workloads reach their releases below the node dirs; every other entry
 * (NATS store, edge with Caddy's data and admin socket, logs, cluster files) is 0700/0600, and so is whatever the
 * supervisor and its children create from now on (umask 077).
 */
function lockDataDir(dataDir: string, passThrough: string[]): void {
  chmodSync(dataDir, 0o711);
  process.umask(0o077);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (passThrough.includes(entry.name) || entry.isSymbolicLink()) continue;
    chmodSync(join(dataDir, entry.name), entry.isDirectory() ? 0o700 : 0o600);
  }
}
