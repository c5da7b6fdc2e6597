// Blue/green behind Caddy by hand: start the new app on another port, PATCH the upstream through the admin API, stop the old.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCaddyKeeper, caddyAdmin, EDGE_DEFAULTS, type CaddyConfig } from '../../packages/edge/index.js';
import { freePort } from '../../test/harness/ports.js';
import { nowMs, sleep, type Cleanup } from '../harness/index.js';
import { AppDir } from './app-dir.js';
import { PlainApp } from './plain-app.js';
import type { Contender, OpResult } from './contender.js';

const ms = (n: number) => `${n}ms`;
const UPSTREAMS_PATH = '/config/apps/http/servers/bench/routes/0/handle/0/upstreams';

/** A static reverse proxy with the same transport settings as Compartment's edge, so only the switching differs. */
function config(adminPort: number, listenPort: number, upstreamPort: number, dataDir: string): CaddyConfig {
  return {
    admin: { listen: `127.0.0.1:${adminPort}`, config: { persist: false } },
    storage: { module: 'file_system', root: join(dataDir, 'storage') },
    apps: {
      http: {
        grace_period: ms(EDGE_DEFAULTS.gracePeriodMs),
        servers: {
          bench: {
            listen: [`127.0.0.1:${listenPort}`],
            automatic_https: { disable: true },
            protocols: ['h1', 'h2'],
            routes: [
              {
                handle: [
                  {
                    handler: 'reverse_proxy',
                    upstreams: [{ dial: `127.0.0.1:${upstreamPort}` }],
                    transport: {
                      protocol: 'http',
                      dial_timeout: ms(EDGE_DEFAULTS.dialTimeoutMs),
                      keep_alive: {
                        enabled: true,
                        probe_interval: '30s',
                        max_idle_conns_per_host: EDGE_DEFAULTS.maxIdleConnsPerHost,
                        idle_timeout: ms(EDGE_DEFAULTS.idleTimeoutMs),
                      },
                    },
                  },
                ],
              },
            ],
          },
        },
      },
    },
  };
}

export class CaddyPatchContender implements Contender {
  readonly name = 'caddy-patch';
  readonly label = 'Caddy upstream switch (admin API PATCH)';
  readonly path = 'autocannon → Caddy (static upstream) → app';
  private dir!: AppDir;
  private app!: PlainApp;
  private adminUrl = '';
  private cleanup!: Cleanup;

  async setup(cleanup: Cleanup): Promise<{ url: string; version: string }> {
    this.cleanup = cleanup;
    this.dir = new AppDir(cleanup, 'caddy-patch');
    this.dir.write('c0');
    this.app = PlainApp.spawn(this.dir.path, await freePort(), cleanup);
    await this.app.ready();
    const dataDir = cleanup.dir(mkdtempSync(join(tmpdir(), 'compartment-bench-caddy-')));
    const [adminPort, listenPort] = [await freePort(), await freePort()];
    const keeper = await startCaddyKeeper({ config: config(adminPort, listenPort, this.app.port, dataDir), dataDir });
    cleanup.pid(
      'Caddy',
      () => keeper.pid(),
      () => keeper.stop(),
    );
    this.adminUrl = `http://127.0.0.1:${adminPort}`;
    return { url: `http://127.0.0.1:${listenPort}/`, version: 'c0' };
  }

  async replace(i: number): Promise<OpResult[]> {
    const version = `c${i + 1}`;
    const startedAt = nowMs();
    this.dir.write(version);
    const next = PlainApp.spawn(this.dir.path, await freePort(), this.cleanup);
    await next.ready();
    const switchAt = nowMs();
    await this.patch([{ dial: `127.0.0.1:${next.port}` }]);
    const patchedAt = nowMs();
    const drainedMs = await this.drained(this.app.port);
    await this.app.stop();
    this.app = next;
    const endedAt = nowMs();
    return [
      {
        kind: 'patch',
        counted: true,
        startedAt,
        endedAt,
        switchAt,
        version,
        detail: { wallMs: endedAt - startedAt, patchMs: patchedAt - switchAt, drainedMs },
      },
    ];
  }

  /** PATCHes the upstreams; asked once more if the admin endpoint was restarting (the same value twice changes nothing). */
  private async patch(upstreams: unknown): Promise<void> {
    const send = () =>
      fetch(`${this.adminUrl}${UPSTREAMS_PATH}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(upstreams),
      });
    const res = await send().catch(async () => {
      await sleep(50);
      return send();
    });
    if (!res.ok) throw new Error(`PATCH upstreams answered ${res.status}: ${await res.text()}`);
  }

  /** Waits until Caddy reports no request in flight to the old upstream (at most 5 s), so stopping it drops none. */
  private async drained(port: number): Promise<number> {
    const admin = caddyAdmin(this.adminUrl);
    const started = nowMs();
    while (nowMs() - started < 5_000) {
      // Every config change restarts the admin endpoint too: a request in that moment fails and is asked again.
      const list = await admin.upstreams().catch(() => null);
      if (list && !list.some((u) => u.address === `127.0.0.1:${port}` && u.num_requests > 0)) break;
      await sleep(10);
    }
    return Math.round(nowMs() - started);
  }
}
