// Stop-then-start on one port: what `docker compose up` does when it recreates a service's container.
import { freePort } from '../../test/harness/ports.js';
import { nowMs, type Cleanup } from '../harness/index.js';
import { AppDir } from './app-dir.js';
import { PlainApp } from './plain-app.js';
import type { Contender, OpResult } from './contender.js';

export class StopStartContender implements Contender {
  readonly name = 'stop-start';
  readonly label = 'Stop then start (docker compose recreate)';
  readonly path = 'autocannon → app';
  private dir!: AppDir;
  private app!: PlainApp;
  private port = 0;
  private cleanup!: Cleanup;

  async setup(cleanup: Cleanup): Promise<{ url: string; version: string }> {
    this.cleanup = cleanup;
    this.dir = new AppDir(cleanup, 'stop-start');
    this.port = await freePort();
    this.dir.write('s0');
    this.app = PlainApp.spawn(this.dir.path, this.port, cleanup);
    await this.app.ready();
    return { url: this.app.url, version: 's0' };
  }

  async replace(i: number): Promise<OpResult[]> {
    const version = `s${i + 1}`;
    this.dir.write(version);
    const startedAt = nowMs();
    const stoppedAt = await this.app.stop();
    this.app = PlainApp.spawn(this.dir.path, this.port, this.cleanup);
    await this.app.ready();
    const endedAt = nowMs();
    return [
      {
        kind: 'stop-start',
        counted: true,
        startedAt,
        endedAt,
        switchAt: null,
        version,
        detail: { wallMs: endedAt - startedAt, stopMs: stoppedAt - startedAt },
      },
    ];
  }
}
