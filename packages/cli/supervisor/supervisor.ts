// The `up` supervisor: runs nats-server, then the edge and a node agent, keeps them up, stops them in order.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompartmentError } from '../../protocol/index.js';
import { readClusterFile, readContext, writeClusterFile, writeContext, type ClusterContext, type ClusterPorts } from './cluster-files.js';
import { ManagedChild, type ChildSpec } from './managed-child.js';
import { pickClusterPorts, pickDashboardPort, tcpFree } from './port-picker.js';
import { isOurs, natsAnswers, waitForExit } from './process-check.js';
import { serverArgs, type ServerName } from './server-args.js';

export interface SupervisorOptions {
  projectDir: string;
  dataDir: string;
  /** The `compartment` executable whose `edge` and `node` commands run the servers. */
  bin: string;
  log(line: string): void;
}

const STOP_GRACE_MS = 30_000;
const NATS_START_TIMEOUT_MS = 30_000;

/** Runs until SIGTERM/SIGINT; resolves with the exit code. */
export async function runSupervisor(opts: SupervisorOptions): Promise<number> {
  const { projectDir, dataDir, log } = opts;
  let ports = await portsFor(projectDir, dataDir);
  const natsUrl = `nats://127.0.0.1:${ports.nats}`;
  await stopLeftovers(projectDir, log);
  ports = await withDashboardPort(projectDir, dataDir, ports);
  const dashboardUrl = `http://127.0.0.1:${ports.dashboard}`;
  for (const d of ['nats', 'edge', 'node', 'logs']) mkdirSync(join(dataDir, d), { recursive: true });
  if (!(await tcpFree(ports.nats))) {
    throw new CompartmentError('CLUSTER_UNAVAILABLE', `port ${ports.nats} (NATS, kept in .compartment/cluster.json) is in use by another process`);
  }

  const context: ClusterContext = {
    natsUrl,
    pid: process.pid,
    ports,
    dataDir,
    projectDir,
    children: { nats: null, edge: null, node: null, dashboard: null },
    dashboardUrl,
    startedAt: new Date().toISOString(),
    stoppedAt: null,
  };
  writeContext(projectDir, context);

  const children = new Map<ServerName, ManagedChild>();
  const events = {
    started: (name: string, pid: number, restarts: number) => {
      context.children[name as ServerName] = pid;
      writeContext(projectDir, context);
      log(`${name} ${restarts ? 'restarted' : 'started'} (pid ${pid}), log: ${join(dataDir, 'logs', `${name}.log`)}`);
    },
    exited: (name: string, code: number | null, signal: string | null, restartInMs: number | null) => {
      context.children[name as ServerName] = null;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      log(restartInMs === null ? `${name} stopped (${how})` : `${name} exited unexpectedly (${how}); restarting in ${restartInMs} ms`);
    },
  };
  const make = (name: ServerName): ManagedChild => {
    const { command, args } = serverArgs(name, { bin: opts.bin, natsUrl, dataDir, ports, projectDir });
    const spec: ChildSpec = { name, command, args, logFile: join(dataDir, 'logs', `${name}.log`), cwd: projectDir };
    const child = new ManagedChild(spec, events);
    children.set(name, child);
    return child;
  };

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

  const nats = make('nats');
  nats.start();
  const started = await Promise.race([waitForNats(natsUrl, NATS_START_TIMEOUT_MS), nats.exited().then(() => false), stop.then(() => false)]);
  if (started) {
    log(`NATS answers at ${natsUrl}`);
    make('edge').start();
    make('node').start();
    make('dashboard').start();
    log(`dashboard: ${dashboardUrl}`);
    await stop;
  } else if (!stopRequested) {
    log(`nats-server did not start; see ${join(dataDir, 'logs', 'nats.log')}`);
  }

  // The dashboard only reads: it goes first, so it never shows the others stopping as a failure.
  await children.get('dashboard')?.stop(STOP_GRACE_MS);
  log('stopping node, edge, nats');
  for (const name of ['node', 'edge', 'nats'] as const) await children.get(name)?.stop(STOP_GRACE_MS);
  writeContext(projectDir, { ...context, pid: null, children: { nats: null, edge: null, node: null, dashboard: null }, dashboardUrl: null, stoppedAt: new Date().toISOString() });
  log('stopped');
  return started || stopRequested ? 0 : 1;
}

async function waitForNats(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await natsAnswers(url, 500)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Ports from cluster.json when there is one (route URLs name them), otherwise picked now and kept. */
async function portsFor(projectDir: string, dataDir: string): Promise<ClusterPorts> {
  const kept = readClusterFile(projectDir);
  const ports = kept?.ports ?? (await pickClusterPorts());
  if (!kept || kept.dataDir !== dataDir) writeClusterFile(projectDir, { ports, dataDir });
  return ports;
}

/** The kept dashboard port, unless cluster.json predates it or something else took it since: then a new one, kept. */
async function withDashboardPort(projectDir: string, dataDir: string, ports: ClusterPorts): Promise<ClusterPorts> {
  if (ports.dashboard !== undefined && (await tcpFree(ports.dashboard))) return ports;
  const taken = new Set([ports.nats, ports.dns, ports.caddyAdmin]);
  for (let p = ports.routes[0]; p <= ports.routes[1]; p++) taken.add(p);
  const next = { ...ports, dashboard: await pickDashboardPort(taken) };
  writeClusterFile(projectDir, { ports: next, dataDir });
  return next;
}

/**
 * Children of a supervisor that died without stopping them would hold the ports and nats' data dir lock.
 * Stops them in the usual order; a pid only counts if its command line still names our data dir.
 */
export async function stopLeftovers(projectDir: string, log: (line: string) => void): Promise<void> {
  const previous = readContext(projectDir);
  if (!previous?.children) return;
  for (const name of ['dashboard', 'node', 'edge', 'nats'] as const) {
    const pid = previous.children[name];
    // Servers name the data dir in their flags; the dashboard has none, but names the cluster's NATS.
    const ours = (argv: string[]) => (name === 'dashboard' ? argv.includes('dashboard') && argv.includes(previous.natsUrl) : argv.some((a) => a.startsWith(previous.dataDir)));
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
