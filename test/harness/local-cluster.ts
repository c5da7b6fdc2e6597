// A three-machine cluster on one host: clustered nats-servers, node agents, and edges on 127.0.0.1/.2/.3.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNatsCluster, type NatsCluster } from './nats-server.js';
import { freeDualPort, freePortRange } from './ports.js';
import { tempDir } from './tmp.js';
import { waitFor } from './wait.js';
import { alive } from './project.js';
import { killCaddyIn } from './caddy.js';
import { ensureKeyFile } from '../../cluster/secrets/index.js';

const BIN = new URL('../../../bin/compartment.js', import.meta.url).pathname;

export interface Member {
  readonly name: string;
  /** The loopback address this member's edge listens on. */
  readonly edgeHost: string;
  pid(kind: 'node' | 'edge'): number | null;
  kill(kind: 'node' | 'edge'): void;
  start(kind: 'node' | 'edge'): void;
  log(kind: 'node' | 'edge'): string;
}

export interface LocalCluster {
  nats: NatsCluster;
  members: Member[];
  natsUrl: string;
  routePorts: [number, number];
  dispose(): Promise<void>;
}

export async function startLocalCluster(size = 3): Promise<LocalCluster> {
  const dir = tempDir('compartment-cluster-');
  const nats = await startNatsCluster(size);
  const natsUrl = nats.urls.join(',');
  const ports = await freePortRange(20);
  const routePorts: [number, number] = [ports[0]!, ports.at(-1)!];
  // One cluster key for all members, as `up --nodes 3` does: each would otherwise make its own and the later ones refuse to join.
  const keyFile = join(dir.path, 'cluster.key');
  ensureKeyFile(keyFile);
  const members: Member[] = [];
  for (let i = 1; i <= size; i++) {
    const name = `n${i}`;
    const edgeHost = `127.0.0.${i}`;
    const dns = await freeDualPort();
    const procs: Partial<Record<'node' | 'edge', ChildProcess>> = {};
    const argv = {
      node: [
        'node',
        '--nats',
        natsUrl,
        '--name',
        name,
        '--data-dir',
        join(dir.path, name, 'node'),
        '--route-ports',
        `${routePorts[0]}-${routePorts[1]}`,
        '--replicas',
        String(Math.min(size, 3)),
        '--cluster-key',
        keyFile,
      ],
      edge: [
        'edge',
        '--nats',
        natsUrl,
        '--name',
        `${name}-edge`,
        '--data-dir',
        join(dir.path, name, 'edge'),
        '--dns-port',
        String(dns),
        '--route-ports',
        `${routePorts[0]}-${routePorts[1]}`,
        '--listen-host',
        edgeHost,
        '--https-port',
        '0',
        '--replicas',
        String(Math.min(size, 3)),
      ],
    };
    const logFile = (kind: 'node' | 'edge') => join(dir.path, `${name}-${kind}.log`);
    members.push({
      name,
      edgeHost,
      pid: (kind) => procs[kind]?.pid ?? null,
      kill: (kind) => procs[kind]?.kill('SIGKILL'),
      start: (kind) => {
        const out = openSync(logFile(kind), 'a');
        procs[kind] = spawn(process.execPath, [BIN, ...argv[kind]], { stdio: ['ignore', out, out], detached: true });
      },
      log: (kind) => {
        try {
          return readFileSync(logFile(kind), 'utf8');
        } catch {
          return '';
        }
      },
    });
  }
  const dispose = async () => {
    for (const m of members)
      for (const kind of ['node', 'edge'] as const) {
        const pid = m.pid(kind);
        if (pid && alive(pid)) {
          try {
            process.kill(pid, 'SIGTERM');
          } catch {}
        }
      }
    await waitFor(
      'cluster processes stopped',
      () => members.every((m) => ['node', 'edge'].every((k) => !alive(m.pid(k as 'node') ?? -1))),
      60_000,
    ).catch(() => {
      for (const m of members) for (const k of ['node', 'edge'] as const) m.kill(k);
    });
    // An edge that died (or crashed at start) leaves its Caddy running on purpose: stop it by its pidfile.
    for (const m of members) killCaddyIn(join(dir.path, m.name, 'edge'));
    await nats.dispose();
    dir.remove();
  };
  try {
    for (const m of members) m.start('edge');
    for (const m of members) m.start('node');
  } catch (error) {
    await dispose();
    throw error;
  }
  return { nats, members, natsUrl, routePorts, dispose };
}
