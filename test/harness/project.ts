// A throwaway Compartment project driven through the real `compartment` executable, as a user would.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './tmp.js';
import { waitFor } from './wait.js';
import { killCaddyIn } from './caddy.js';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { credentialsOptions } from '../../cluster/connection/index.js';

const BIN = new URL('../../../bin/compartment.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Context {
  natsUrl: string;
  pid: number | null;
  ports: { nats: number; dns: number; caddyAdmin: number; routes: [number, number]; https?: number; http?: number };
  children: { nats: number | null; edge: number | null; node: number | null } & Record<string, number | null>;
}

export class Project {
  readonly dir: string;
  private readonly tmp = tempDir('compartment-e2e-');

  /** `env`: variables every command gets, e.g. COMPARTMENT_NATS_URL to use a cluster not started by `up`. */
  constructor(
    files: Record<string, string>,
    private readonly env: Record<string, string> = {},
  ) {
    this.dir = this.tmp.path;
    this.write(files);
  }

  write(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), text);
    }
  }

  /** `input`: written to the command's standard input, then closed. */
  cli(
    args: string[],
    options: { timeoutMs?: number; env?: Record<string, string>; input?: string } = {},
  ): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: this.dir,
        env: { ...process.env, NO_COLOR: '1', ...this.env, ...options.env },
      });
      if (options.input !== undefined) child.stdin.end(options.input);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `compartment ${args.join(' ')} did not finish in ${options.timeoutMs ?? 120_000} ms\n${stdout}\n${stderr}`,
          ),
        );
      }, options.timeoutMs ?? 120_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  /** Runs a command that must succeed; returns its stdout. */
  async ok(args: string[], options: { timeoutMs?: number; input?: string } = {}): Promise<string> {
    const r = await this.cli(args, options);
    if (r.code !== 0) throw new Error(`compartment ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  async json<T>(args: string[]): Promise<T> {
    return JSON.parse(await this.ok([...args, '--json'])) as T;
  }

  context(): Context {
    return JSON.parse(readFileSync(join(this.dir, '.compartment/context.json'), 'utf8')) as Context;
  }

  /** Client options for a role of the cluster `up` runs here: its credentials file in the data dir (`node` may do anything). */
  natsOptions(role: 'node' | 'edge' | 'cli' | 'dashboard' = 'node'): Partial<NodeConnectionOptions> {
    return credentialsOptions(this.credsFile(role));
  }

  credsFile(role: 'node' | 'edge' | 'cli' | 'dashboard'): string {
    return join(this.dir, '.compartment', 'credentials', `${role}.creds`);
  }

  log(name: 'node' | 'edge' | 'nats' | 'supervisor'): string {
    try {
      return readFileSync(join(this.dir, `.compartment/logs/${name}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  async up(extra: string[] = []): Promise<Context> {
    await this.ok(['up', '--detach', ...extra], { timeoutMs: 120_000 });
    return this.context();
  }

  /** A running cluster with the project deployed: the route URL of its (first) active deployment. */
  async upAndDeploy(): Promise<string> {
    await this.up();
    await this.ok(['deploy']);
    const records = await this.json<Array<{ isActive: boolean; routeUrl: string | null }>>(['status']);
    return records.find((r) => r.isActive)!.routeUrl!;
  }

  /** Waits until the supervisor restarted `name` (a new pid that is alive). */
  async restarted(name: 'edge' | 'node', oldPid: number): Promise<number> {
    return waitFor(
      `${name} restarted`,
      () => {
        const pid = this.context().children[name];
        return pid && pid !== oldPid && alive(pid) ? pid : null;
      },
      30_000,
      100,
    );
  }

  /** Stops the cluster (if up) and removes the project. */
  async remove(): Promise<void> {
    await this.cli(['down'], { timeoutMs: 90_000 }).catch(() => undefined);
    // `down` stops Caddy through its edge; should the edge have been dead just then, Caddy (detached) would stay.
    for (const edge of ['edge', 'edge-2', 'edge-3']) killCaddyIn(join(this.dir, '.compartment', edge));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
