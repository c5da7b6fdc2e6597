// `compartment node --edge`: runs an edge beside this agent, restarted when it exits, its ports kept in the data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelPort, RESTART_POLICIES, RestartBackoff } from '../../../packages/kit/index.js';

export interface EdgeCompanionOptions {
  bin: string;
  natsUrl: string;
  dataDir: string;
  routePorts: [number, number];
  listenHost: string;
  /** Extra flags passed through (NATS credentials and TLS). */
  passThrough: string[];
  log(message: string): void;
}

/** The DNS port, picked once: an edge restarted later must find its own Caddy again (its admin socket is in `dir`). */
async function portsOf(dir: string): Promise<{ dns: number }> {
  const file = join(dir, 'edge-ports.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { dns: number };
  } catch {
    const ports = { dns: await kernelPort('127.0.0.1') };
    writeFileSync(file, JSON.stringify(ports));
    return ports;
  }
}

export class EdgeCompanion {
  private child: ChildProcess | null = null;
  private stopping = false;
  private readonly backoff = new RestartBackoff(RESTART_POLICIES.edgeCompanion);

  constructor(private readonly o: EdgeCompanionOptions) {}

  async start(): Promise<void> {
    const dir = join(this.o.dataDir, 'edge');
    mkdirSync(dir, { recursive: true });
    const { dns } = await portsOf(dir);
    const args = [
      this.o.bin,
      'edge',
      '--nats',
      this.o.natsUrl,
      '--data-dir',
      dir,
      '--dns-port',
      String(dns),
      '--route-ports',
      `${this.o.routePorts[0]}-${this.o.routePorts[1]}`,
      '--listen-host',
      this.o.listenHost,
      ...this.o.passThrough,
    ];
    const launch = () => {
      const out = openSync(join(dir, 'edge.log'), 'a');
      // Its own process group: an agent that crashes leaves the data plane serving.
      const child = spawn(process.execPath, args, { stdio: ['ignore', out, out], detached: true });
      this.child = child;
      this.o.log(`edge started (pid ${child.pid}), log: ${join(dir, 'edge.log')}`);
      const startedAt = Date.now();
      child.once('exit', (code, signal) => {
        if (this.stopping) return;
        const delay = this.backoff.next(startedAt);
        this.o.log(`edge exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
        setTimeout(launch, delay).unref();
      });
    };
    launch();
  }

  /** An orderly stop of the node stops its edge too (and the edge its Caddy). */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => (child.kill('SIGKILL'), resolve()), 30_000).unref();
    });
  }
}
