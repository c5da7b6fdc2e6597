// One supervised child process: logs to a file, restarts with backoff after an unexpected exit, stops on request.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { RESTART_POLICIES, RestartBackoff } from '../../kit/index.js';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export interface ChildEvents {
  started(name: string, pid: number, restarts: number): void;
  exited(name: string, code: number | null, signal: string | null, restartInMs: number | null): void;
}

export class ManagedChild {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private readonly backoff = new RestartBackoff(RESTART_POLICIES.supervisorChild);
  private startedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private exitWaiters: Array<() => void> = [];

  constructor(
    readonly spec: ChildSpec,
    private readonly events: ChildEvents,
  ) {}

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    const fd = openSync(this.spec.logFile, 'a');
    try {
      // Own process group: a Ctrl-C at the terminal reaches only the supervisor, which then stops children in order.
      const child = spawn(this.spec.command, this.spec.args, {
        cwd: this.spec.cwd,
        env: this.spec.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      this.child = child;
      this.startedAt = Date.now();
      child.once('error', (error) => this.onExit(child, null, `spawn error: ${error.message}`));
      child.once('exit', (code, signal) => this.onExit(child, code, signal));
      if (child.pid !== undefined) this.events.started(this.spec.name, child.pid, this.restarts);
    } finally {
      closeSync(fd);
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    const waiters = this.exitWaiters.splice(0);
    for (const w of waiters) w();
    if (this.stopping) return this.events.exited(this.spec.name, code, signal, null);
    const delay = this.backoff.next(this.startedAt);
    this.events.exited(this.spec.name, code, signal, delay);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopping) return;
      this.restarts += 1;
      this.start();
    }, delay);
  }

  /** Resolves when the current process exits (immediately if none runs). */
  exited(): Promise<void> {
    if (!this.child) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** SIGTERM, then SIGKILL after `graceMs`; no restart afterwards. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const child = this.child;
    if (!child) return;
    const gone = this.exited();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(killer);
  }
}
