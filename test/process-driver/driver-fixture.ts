// Shared pieces of the process-driver tests: apps written to temp dirs, tarballs, and cleanup of every process started.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';
import { tempDir } from '../harness/tmp.js';
import { ProcessDriver, type WorkloadKey } from '../../packages/process-driver/index.js';

/** A small HTTP app: answers with its pid, exits on /exit?code=N, optionally ignores SIGTERM or ticks on stdout. */
export const SERVER_APP = `
import http from 'node:http';
const srv = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/exit') {
    const code = Number(url.searchParams.get('code'));
    console.error('fatal: asked to exit with ' + code);
    res.end('bye', () => process.exit(code));
    return;
  }
  res.end(JSON.stringify({ pid: process.pid, greeting: process.env.GREETING ?? null }));
});
srv.listen(Number(process.env.PORT), () => console.log('listening on ' + process.env.PORT));
process.on('SIGTERM', () => {
  console.log('got SIGTERM');
  if (process.env.IGNORE_TERM) return;
  srv.close();
  process.exit(0);
});
if (process.env.TICK) setInterval(() => console.log('tick ' + Date.now()), 20);
`;

export async function makeTarball(dir: string, files: Record<string, string>): Promise<string> {
  const src = join(dir, `src-${Math.random().toString(36).slice(2)}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(src, name, '..'), { recursive: true });
    writeFileSync(join(src, name), text);
  }
  const file = `${src}.tar.gz`;
  await create({ gzip: true, file, cwd: src }, Object.keys(files));
  return file;
}

let seq = 0;
export const newKey = (service = 'web'): WorkloadKey => ({
  env: 'production',
  service,
  deploymentId: `dep${Date.now().toString(36)}${++seq}`,
});

/** A data dir, drivers over it, and the guarantee that every workload and process is gone afterwards. */
export class Sandbox {
  readonly tmp = tempDir('compartment-driver-');
  readonly dataDir = join(this.tmp.path, 'data');
  readonly keys: WorkloadKey[] = [];
  readonly pgids = new Set<number>();
  /** Plain processes (not group leaders) to kill at the end, such as a stand-in agent. */
  readonly pids = new Set<number>();
  private readonly onExit = () => this.killAllSync();

  constructor() {
    process.on('exit', this.onExit);
  }

  driver(): ProcessDriver {
    return new ProcessDriver({ dataDir: this.dataDir, pollMs: 100 });
  }

  /** Extracts a release holding the server app (plus `files`) and remembers its key for cleanup. */
  async release(driver: ProcessDriver, files: Record<string, string> = {}, key = newKey()): Promise<WorkloadKey> {
    const tarball = await makeTarball(this.tmp.path, { 'server.mjs': SERVER_APP, ...files });
    await driver.extract(key, tarball);
    this.keys.push(key);
    return key;
  }

  async cleanup(): Promise<void> {
    const driver = this.driver();
    for (const key of this.keys) await driver.stop(key, 0).catch(() => undefined);
    this.killAllSync();
    process.off('exit', this.onExit);
    this.tmp.remove();
  }

  private killAllSync(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    for (const pgid of this.pgids) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

export async function getJson(port: number, path = '/'): Promise<{ pid: number; greeting: string | null }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return (await res.json()) as { pid: number; greeting: string | null };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
