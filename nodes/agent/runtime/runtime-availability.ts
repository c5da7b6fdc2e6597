// Which runtimes this node can run right now (is there a Docker engine): advertised in its heartbeat, refreshed.
import type { Runtime } from '../../../packages/protocol/index.js';
import type { WorkloadRuntime } from './workload-runtime.js';

const REFRESH_MS = 10_000;

export class RuntimeAvailability {
  private available: Runtime[];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runtimes: ReadonlyMap<Runtime, WorkloadRuntime>) {
    this.available = [...runtimes.keys()];
  }

  /** Checks now and then every few seconds, so an engine that goes away (or comes up) shows in the heartbeat. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The runtimes placement may use on this node. */
  list(): Runtime[] {
    return this.available;
  }

  /** Throws the runtime's own error (e.g. DOCKER_UNAVAILABLE naming the socket) when it cannot run workloads here. */
  async ensure(kind: Runtime): Promise<void> {
    await this.runtimes.get(kind)?.ensureAvailable?.();
  }

  private async refresh(): Promise<void> {
    const checks = await Promise.all(
      [...this.runtimes].map(async ([kind, rt]) =>
        ((await rt.ensureAvailable?.().then(
          () => true,
          () => false,
        )) ?? true)
          ? kind
          : null,
      ),
    );
    this.available = checks.filter((k): k is Runtime => k !== null);
  }
}
