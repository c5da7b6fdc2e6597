// PM2 replacing a service: `pm2 reload` in cluster mode with wait_ready, on its own PM2_HOME.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/harness/ports.js';
import { killQuietly, type Cleanup, runOk, waitHttp, type Timed, PM2_BIN } from '../harness/index.js';
import { AppDir } from './app-dir.js';
import type { Contender, OpResult } from './contender.js';

/** One worker, like the one process Compartment runs: the comparison is about the replacement, not capacity. */
export const PM2_INSTANCES = 1;

function ecosystem(port: number, instances: number): string {
  const app = {
    name: 'bench-web',
    script: 'server.js',
    exec_mode: 'cluster',
    instances,
    wait_ready: true,
    listen_timeout: 10_000,
    kill_timeout: 5_000,
    env: { PORT: String(port) },
  };
  return `module.exports = { apps: [Object.assign(${JSON.stringify(app)}, { cwd: __dirname })] };\n`;
}

export class Pm2App {
  private constructor(
    readonly dir: AppDir,
    readonly url: string,
    private readonly home: string,
  ) {}

  /** Starts a PM2 daemon of its own (PM2_HOME in the app's temp dir) running the app; cleanup kills the daemon. */
  static async start(cleanup: Cleanup, version: string, instances = PM2_INSTANCES): Promise<Pm2App> {
    const dir = new AppDir(cleanup, 'pm2');
    const port = await freePort();
    dir.write(version, { 'ecosystem.config.cjs': ecosystem(port, instances) });
    const app = new Pm2App(dir, `http://127.0.0.1:${port}/`, join(dir.path, '.pm2'));
    const daemonPid = () => {
      try {
        return Number(readFileSync(join(app.home, 'pm2.pid'), 'utf8'));
      } catch {
        return null;
      }
    };
    cleanup.pid('PM2 daemon', daemonPid, async () => {
      await app.pm2(['kill']).catch(() => killQuietly(daemonPid(), 'SIGKILL'));
    });
    await app.pm2(['start', join(dir.path, 'ecosystem.config.cjs')]);
    await waitHttp(app.url);
    return app;
  }

  pm2(args: string[]): Promise<Timed> {
    return runOk(process.execPath, [PM2_BIN, ...args], { cwd: this.dir.path, env: { PM2_HOME: this.home } });
  }

  /** Writes the new version and reloads; resolves when `pm2 reload` returns. */
  reload(version: string): Promise<Timed> {
    this.dir.write(version);
    return this.pm2(['reload', 'bench-web']);
  }
}

export class Pm2Contender implements Contender {
  readonly name = 'pm2-reload';
  readonly label = `PM2 reload (cluster mode, wait_ready, ${PM2_INSTANCES} instance)`;
  readonly path = 'autocannon → app worker (the cluster master accepts, the worker serves)';
  private app!: Pm2App;

  async setup(cleanup: Cleanup): Promise<{ url: string; version: string }> {
    this.app = await Pm2App.start(cleanup, 'p0');
    return { url: this.app.url, version: 'p0' };
  }

  async replace(i: number): Promise<OpResult[]> {
    const version = `p${i + 1}`;
    const r = await this.app.reload(version);
    return [
      {
        kind: 'reload',
        counted: true,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
        switchAt: null,
        version,
        detail: { wallMs: r.wallMs },
      },
    ];
  }
}
