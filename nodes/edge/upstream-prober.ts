// Connects to every instance of routes with more than one, often: one that refuses (or does not answer) the
// connect leaves this edge's DNS answer at once, long before the cluster declares its node lost.
import { connect } from 'node:net';

export interface ProbedUpstream {
  host: string;
  port: number;
}

/** How often each instance is dialled, and how long a connect may take before it counts as failed. */
export const PROBE_EVERY_MS = 100;
export const PROBE_TIMEOUT_MS = 500;

const keyOf = (u: ProbedUpstream) => `${u.host}|${u.port}`;

function dial(u: ProbedUpstream, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: u.host, port: u.port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export class UpstreamProber {
  private targets: ProbedUpstream[] = [];
  private readonly down = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** `onChange` runs after an instance went down or came back. */
  constructor(private readonly onChange: () => void) {}

  /** The instances to watch: those of routes that have another instance to fall back on. */
  watch(targets: ProbedUpstream[]): void {
    this.targets = targets;
    const wanted = new Set(targets.map(keyOf));
    let changed = false;
    for (const k of this.down) if (!wanted.has(k)) changed = this.down.delete(k) || changed;
    if (changed) this.onChange();
  }

  isDown(u: ProbedUpstream): boolean {
    return this.down.has(keyOf(u));
  }

  start(): void {
    const tick = async () => {
      const targets = this.targets;
      const results = await Promise.all(targets.map((u) => dial(u, PROBE_TIMEOUT_MS)));
      if (this.stopped) return;
      let changed = false;
      targets.forEach((u, i) => {
        const k = keyOf(u);
        if (results[i] === this.down.has(k)) changed = true;
        if (results[i]) this.down.delete(k);
        else this.down.add(k);
      });
      if (changed) this.onChange();
      this.timer = setTimeout(() => void tick(), PROBE_EVERY_MS);
    };
    this.timer = setTimeout(() => void tick(), PROBE_EVERY_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
