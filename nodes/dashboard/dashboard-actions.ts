// The write side, off unless the dashboard runs with --actions: rollback through the API, deploy through the real CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API, CompartmentError, parseWith, type ApiReply } from '../../packages/protocol/index.js';
import { callApi } from '../../cluster/api/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';

const BIN = fileURLToPath(new URL('../../../bin/compartment.js', import.meta.url));

export interface ActionsOptions {
  conn: ClusterConnection;
  natsUrl: string;
  /** Extra environment of the deploy it runs (its NATS credentials file). */
  childEnv?: Record<string, string>;
  /** Where `compartment deploy` runs (its compartment.yaml and sources); null: no deploy button. */
  projectDir: string | null;
  /** Every line the deploy prints (JSON events) and its end, for the page. */
  report(event: { kind: 'deploy'; line?: unknown; done?: { code: number | null } }): void;
}

export class DashboardActions {
  private deploying: ChildProcess | null = null;

  constructor(private readonly opts: ActionsOptions) {}

  /** Deploy needs a project directory with a compartment.yaml: the sources live there, not in the cluster. */
  get canDeploy(): boolean {
    return this.opts.projectDir !== null && existsSync(join(this.opts.projectDir, 'compartment.yaml'));
  }

  async rollback(body: unknown): Promise<ApiReply<'rollback'>> {
    const request = parseWith(API.rollback.request, body, 'INVALID_ARGUMENT');
    return callApi(this.opts.conn, 'rollback', request);
  }

  /** Runs `compartment deploy --json` in the project directory, as a person would; one at a time. */
  deploy(body: unknown): { pid: number } {
    const request = parseWith(
      API.deploy.request.pick({ environment: true }).extend({ service: API.status.request.shape.service }),
      body ?? {},
      'INVALID_ARGUMENT',
    );
    if (!this.canDeploy)
      throw new CompartmentError(
        'CONFIG_NOT_FOUND',
        `no compartment.yaml in ${this.opts.projectDir ?? '(no --project given)'}`,
      );
    if (this.deploying) throw new CompartmentError('CONFLICT', 'a deploy started from this dashboard is still running');
    const args = [BIN, 'deploy', '--json', '--env', request.environment, '--nats', this.opts.natsUrl];
    if (request.service) args.push('--service', request.service);
    const child = spawn(process.execPath, args, {
      cwd: this.opts.projectDir!,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...this.opts.childEnv },
    });
    this.deploying = child;
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.opts.report({ kind: 'deploy', line: safeJson(line) });
    });
    child.stderr.on('data', (chunk: Buffer) =>
      this.opts.report({ kind: 'deploy', line: { stderr: chunk.toString('utf8') } }),
    );
    child.on('close', (code) => {
      this.deploying = null;
      this.opts.report({ kind: 'deploy', done: { code } });
    });
    return { pid: child.pid ?? -1 };
  }

  stop(): void {
    this.deploying?.kill('SIGINT');
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return { text: line };
  }
}
