// The bench app as a plain process on a given port: started, awaited ready, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { nowMs, waitHttp, type Cleanup } from '../harness/index.js';

export class PlainApp {
  private readonly exited: Promise<number>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve(nowMs())));
  }

  /** Spawns `node server.js` from `dir`; resolves once it is spawned (not yet ready). */
  static spawn(dir: string, port: number, cleanup: Cleanup): PlainApp {
    const child = spawn(process.execPath, [join(dir, 'server.js')], {
      cwd: dir,
      env: { ...process.env, PORT: String(port) },
      stdio: 'ignore',
    });
    const app = new PlainApp(child, port);
    cleanup.pid(
      `app on ${port}`,
      () => (child.exitCode === null && child.signalCode === null ? child.pid : null),
      () => app.stop(),
    );
    return app;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Polls /ready every 10 ms (as Compartment's readiness probe here does). */
  ready(): Promise<unknown> {
    return waitHttp(`${this.url}ready`, 15_000, 10);
  }

  /** SIGTERM (the app closes its server and exits), SIGKILL if it is still there after `graceMs`; resolves with when it exited. */
  async stop(graceMs = 10_000): Promise<number> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
