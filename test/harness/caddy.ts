// Starts a real edge for tests (route table + DNS responder + a kept Caddy) and tears all of it down, even on a crash.
import {
  RouteTable,
  startDnsResponder,
  buildCaddyConfig,
  startCaddyKeeper,
  type DnsResponder,
  type CaddyKeeper,
  type CaddyKeeperOptions,
  type EdgeCaddyOptions,
  type CaddyConfig,
} from '../../packages/edge/index.js';
import { freePortRange } from './ports.js';
import { tempDir } from './tmp.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestEdge {
  table: RouteTable;
  dns: DnsResponder;
  keeper: CaddyKeeper;
  config: CaddyConfig;
  routePorts: number[];
  dataDir: string;
  close(): Promise<void>;
}

const pidsToKill = new Set<() => number | null>();
const dirsToRemove = new Set<() => void>();
// A test that throws past its cleanup must not leave a Caddy running or a temp dir behind.
process.once('exit', () => {
  for (const pid of pidsToKill) killQuietly(pid());
  for (const remove of dirsToRemove) remove();
});

/** Registers a pid source to SIGKILL when the test process exits. */
export function killOnExit(pid: () => number | null): () => void {
  pidsToKill.add(pid);
  return () => pidsToKill.delete(pid);
}

/** Registers a temp-dir remover to run when the test process exits. */
export function removeOnExit(remove: () => void): () => void {
  dirsToRemove.add(remove);
  return () => dirsToRemove.delete(remove);
}

export function killQuietly(pid: number | null, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (pid === null) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export interface TestEdgeOptions {
  routeCount?: number;
  caddy?: Partial<EdgeCaddyOptions>;
  keeper?: Partial<CaddyKeeperOptions>;
  retainMs?: number;
}

export async function startTestEdge(options: TestEdgeOptions = {}): Promise<TestEdge> {
  const dir = tempDir('compartment-edge-');
  dirsToRemove.add(dir.remove);
  const table = new RouteTable();
  const dns = await startDnsResponder({ table, retainMs: options.retainMs });
  const routePorts = await freePortRange(options.routeCount ?? 4);
  const config = buildCaddyConfig({
    admin: { socket: adminSocketIn(dir.path) },
    routePorts,
    resolver: { host: dns.host, port: dns.port },
    dataDir: dir.path,
    ...options.caddy,
  });
  let keeper: CaddyKeeper;
  try {
    keeper = await startCaddyKeeper({ config, dataDir: dir.path, ...options.keeper });
  } catch (error) {
    await dns.close();
    dir.remove();
    throw error;
  }
  const unregister = killOnExit(() => keeper.pid());
  return {
    table,
    dns,
    keeper,
    config,
    routePorts,
    dataDir: dir.path,
    close: async () => {
      await keeper.stop().catch(() => killQuietly(keeper.pid()));
      unregister();
      await dns.close();
      dir.remove();
      dirsToRemove.delete(dir.remove);
    },
  };
}

/** Caddy's admin socket for a test edge in `dir`: `<dir>/admin/caddy.sock`, its dir 0700 (as the edge makes it). */
export function adminSocketIn(dir: string): string {
  mkdirSync(join(dir, 'admin'), { recursive: true, mode: 0o700 });
  return join(dir, 'admin', 'caddy.sock');
}

/** Kills the Caddy whose pidfile is `<edgeDir>/caddy/caddy.pid`, only if that pid still runs Caddy with a config in `edgeDir`. */
export function killCaddyIn(edgeDir: string): void {
  try {
    const pid = Number(readFileSync(join(edgeDir, 'caddy', 'caddy.pid'), 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.some((a) => a.endsWith('caddy')) && cmdline.some((a) => a.startsWith(edgeDir))) killQuietly(pid);
  } catch {
    // no pidfile, or the process is gone
  }
}
