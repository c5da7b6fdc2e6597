// The `up` supervisor: runs nats-server, then the edge and a node agent, keeps them up, stops them in order.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CompartmentError } from '../../protocol/index.js';
import { readClusterFile, readContext, writeClusterFile, writeContext, type ClusterContext, type ClusterPorts } from './cluster-files.js';
import { ManagedChild, type ChildSpec } from './managed-child.js';
import { pickClusterPorts, tcpFree } from './port-picker.js';
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
  const ports = await portsFor(projectDir, dataDir);
  const natsUrl = `nats://127.0.0.1:${ports.nats}`;
  await stopLeftovers(projectDir, log);
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
    children: { nats: null, edge: null, node: null },
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
    const { command, args } = serverArgs(name, { bin: opts.bin, natsUrl, dataDir, ports });
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
    await stop;
  } else if (!stopRequested) {
    log(`nats-server did not start; see ${join(dataDir, 'logs', 'nats.log')}`);
  }

  log('stopping node, edge, nats');
  for (const name of ['node', 'edge', 'nats'] as const) await children.get(name)?.stop(STOP_GRACE_MS);
  writeContext(projectDir, { ...context, pid: null, children: { nats: null, edge: null, node: null }, stoppedAt: new Date().toISOString() });
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

/**
 * Children of a supervisor that died without stopping them would hold the ports and nats' data dir lock.
 * Stops them in the usual order; a pid only counts if its command line still names our data dir.
 */
export async function stopLeftovers(projectDir: string, log: (line: string) => void): Promise<void> {
  const previous = readContext(projectDir);
  if (!previous?.children) return;
  for (const name of ['node', 'edge', 'nats'] as const) {
    const pid = previous.children[name];
    if (!isOurs(pid, (argv) => argv.some((a) => a.startsWith(previous.dataDir)))) continue;
    log(`stopping ${name} (pid ${pid}) left over from an earlier run`);
    try {
      process.kill(pid, 'SIGTERM');
      if (!(await waitForExit(pid, 10_000))) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
