// Starts real nats-server processes (single or a 3-node JetStream cluster) for tests: stop, kill, restart on the same store.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { authConfigText, serverAuth, type AuthOptions, type ServerAuth } from './nats-auth.js';
import { freePort } from './ports.js';
import { tempDir } from './tmp.js';
import { waitFor } from './wait.js';

export interface NatsServer {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly monitorPort: number;
  /** The route port of a cluster member, null for a single server. */
  readonly clusterPort: number | null;
  readonly storeDir: string;
  readonly running: boolean;
  /** The server process's pid while it runs (to freeze it with SIGSTOP), else null. */
  readonly pid: number | null;
  /** The server's recent output, for failure messages. */
  output(): string;
  /** SIGTERM and wait for the process to exit (JetStream flushes its store). */
  stop(): Promise<void>;
  /** SIGKILL and wait: a crash, nothing flushed on purpose. */
  kill(): Promise<void>;
  /** Starts again on the same ports and store dir, so stored data survives. */
  restart(): Promise<void>;
  /** Stops (if running) and removes the temp dir. */
  dispose(): Promise<void>;
  /** Set when started with `auth`: the same users, permissions and route auth `compartment up` configures. */
  readonly auth: ServerAuth | null;
}

export type { AuthOptions, ServerAuth } from './nats-auth.js';

export interface NatsCluster {
  readonly servers: NatsServer[];
  /** Every client URL: give them all to a connection so it can fail over. */
  readonly urls: string[];
  dispose(): Promise<void>;
}

interface Ports {
  port: number;
  monitorPort: number;
  clusterPort: number | null;
}

interface ClusterSpec {
  name: string;
  routes: number[];
}

const live = new Set<ChildProcess>();
const dirs = new Set<{ remove(): void }>();
// Last line of defence: a test that crashes must not leave servers or store dirs behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of dirs) dir.remove();
});

function configText(
  name: string,
  ports: Ports,
  storeDir: string,
  cluster: ClusterSpec | null,
  auth: ServerAuth | null,
): string {
  if (auth)
    return authConfigText(auth, {
      name,
      port: ports.port,
      monitorPort: ports.monitorPort,
      storeDir,
      clusterPort: ports.clusterPort,
      cluster,
    });
  const lines = [
    `server_name: ${JSON.stringify(name)}`,
    `listen: "127.0.0.1:${ports.port}"`,
    `http: "127.0.0.1:${ports.monitorPort}"`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)}, max_memory_store: 256MB, max_file_store: 4GB }`,
  ];
  if (cluster && ports.clusterPort !== null) {
    const routes = cluster.routes.map((p) => JSON.stringify(`nats-route://127.0.0.1:${p}`)).join(', ');
    lines.push(
      `cluster { name: ${JSON.stringify(cluster.name)}, listen: "127.0.0.1:${ports.clusterPort}", routes: [${routes}] }`,
    );
  }
  return lines.join('\n') + '\n';
}

async function healthy(monitorPort: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${monitorPort}/healthz`);
    return res.ok;
  } catch {
    return false;
  }
}

function createServer(
  name: string,
  ports: Ports,
  cluster: ClusterSpec | null,
  auth: ServerAuth | null = null,
): NatsServer {
  const dir = tempDir(`nats-${name}-`);
  dirs.add(dir);
  const storeDir = join(dir.path, 'store');
  const configPath = join(dir.path, 'nats.conf');
  writeFileSync(configPath, configText(name, ports, storeDir, cluster, auth));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = '';

  const launch = async (waitHealthy: boolean) => {
    const proc = spawn('nats-server', ['-c', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    live.add(proc);
    const append = (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
    };
    proc.stdout!.on('data', append);
    proc.stderr!.on('data', append);
    exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        live.delete(proc);
        if (child === proc) child = null;
        resolve();
      });
    });
    // A clustered server only reports healthy once its peers and a meta leader exist: the cluster waits for that.
    const check = waitHealthy ? () => healthy(ports.monitorPort) : () => portOpen(ports.port);
    try {
      await waitFor(
        `nats-server ${name} on ${ports.port}`,
        async () => {
          if (child !== proc) throw new Error(`exited early:\n${log}`);
          return check();
        },
        20_000,
        25,
      );
    } catch (error) {
      proc.kill('SIGKILL');
      await exited;
      throw error;
    }
  };

  const signal = async (sig: NodeJS.Signals) => {
    const proc = child;
    if (!proc) return;
    proc.kill(sig);
    await exited;
  };

  const server: NatsServer & { launch(waitHealthy: boolean): Promise<void> } = {
    name,
    url: `nats://127.0.0.1:${ports.port}`,
    port: ports.port,
    monitorPort: ports.monitorPort,
    clusterPort: ports.clusterPort,
    storeDir,
    get pid() {
      return child?.pid ?? null;
    },
    auth,
    get running() {
      return child !== null;
    },
    output: () => log,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    restart: async () => {
      await signal('SIGTERM');
      await launch(cluster === null);
    },
    dispose: async () => {
      await signal('SIGKILL');
      dir.remove();
      dirs.delete(dir);
    },
    launch,
  };
  return server;
}

async function portOpen(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** One JetStream server on 127.0.0.1 with its store in a fresh temp dir; resolves when it is healthy. */
export async function startNatsServer(name = 'nats-test', options: { auth?: AuthOptions } = {}): Promise<NatsServer> {
  const ports: Ports = { port: await freePort(), monitorPort: await freePort(), clusterPort: null };
  const server = createServer(
    name,
    ports,
    null,
    serverAuth(options.auth, (d) => dirs.add(d)),
  ) as NatsServer & { launch(h: boolean): Promise<void> };
  try {
    await server.launch(true);
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return server;
}

/** `size` clustered JetStream servers with routes between them; resolves when every one is healthy (meta leader elected). */
export async function startNatsCluster(size = 3, options: { auth?: AuthOptions } = {}): Promise<NatsCluster> {
  const all: Ports[] = [];
  for (let i = 0; i < size; i++)
    all.push({ port: await freePort(), monitorPort: await freePort(), clusterPort: await freePort() });
  const spec: ClusterSpec = { name: `c${process.pid}`, routes: all.map((p) => p.clusterPort!) };
  const auth = serverAuth(options.auth, (d) => dirs.add(d));
  const servers = all.map(
    (p, i) => createServer(`n${i + 1}`, p, spec, auth) as NatsServer & { launch(h: boolean): Promise<void> },
  );
  const dispose = async () => {
    await Promise.all(servers.map((s) => s.dispose()));
  };
  try {
    // Each launch waits only for its client port: healthz needs the peers, which start in parallel.
    await Promise.all(servers.map((s) => s.launch(false)));
    await Promise.all(
      servers.map((s) => waitFor(`cluster member ${s.name} healthy`, () => healthy(s.monitorPort), 30_000, 50)),
    );
  } catch (error) {
    await dispose();
    throw error;
  }
  return { servers, urls: servers.map((s) => s.url), dispose };
}

/** Waits until a restarted cluster member is healthy again (restart() of a member only waits for its port). */
export function waitHealthy(server: NatsServer, timeoutMs = 30_000): Promise<boolean> {
  return waitFor(`${server.name} healthy`, () => healthy(server.monitorPort), timeoutMs, 50);
}
