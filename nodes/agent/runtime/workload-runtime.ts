// What the node agent needs from a runtime (processes, Docker): build, start, watch, stop, each idempotent.
import type { Runtime } from '../../../packages/protocol/index.js';
import type { DeploymentSpec, WorkloadRef } from '../../../machines/deployment/index.js';

export interface ExitReport {
  code: number | null;
  signal: string | null;
  lastError: string | null;
}

export interface OutputLine {
  time: string;
  text: string;
}

/** Where a runtime sends what builds and workloads print, and what it wants said on the compartment stream. */
export interface OutputSink {
  output(spec: DeploymentSpec, stream: 'stdout' | 'stderr', lines: OutputLine[]): Promise<void>;
  event(spec: DeploymentSpec, text: string): void;
}

/** Where a readiness probe reaches the workload; `cwd`/`env` are for command probes. */
export interface ProbeTarget {
  host: string;
  port: number | null;
  cwd?: string;
  env?: Record<string, string>;
  /** Command probes of process workloads run as the workload's user. */
  user?: { uid: number; gid: number };
}

export interface KnownWorkload {
  deploymentId: string;
  environmentName: string;
  serviceName: string;
  /** Which of the deployment's workloads on this node (absent: 0). */
  slot?: number;
  running: boolean;
}

export interface WorkloadRuntime {
  readonly kind: Runtime;
  /** Fetches the release and builds it; a build that already finished is not run again. */
  build(spec: DeploymentSpec, signal: AbortSignal): Promise<void>;
  /** Runs the service's release command once, after the build, in the release with the workload's variables (optional). */
  release?(spec: DeploymentSpec, signal: AbortSignal): Promise<void>;
  /**
   * Starts the workload, or adopts it if it already runs. Its output flows to the sink until it stops.
   * `port`: the one it had before (a restart keeps the port the route points at). `slot`: which of the deployment's
   * instances on this node (absent: 0, the owner's own); with fewer nodes than instances a node runs several.
   */
  start(spec: DeploymentSpec, port?: number | null, slot?: number): Promise<WorkloadRef>;
  /** Calls `onExit` once when the workload ends (at once if it is not running); returns a canceller. */
  watch(spec: DeploymentSpec, onExit: (exit: ExitReport) => void): () => void;
  /**
   * Graceful stop (SIGTERM / docker stop), then kill after the grace; stopping a stopped one is a no-op. `slot`: only
   * that instance; absent: every instance of the deployment on this node.
   */
  stop(spec: DeploymentSpec, graceMs: number, slot?: number): Promise<void>;
  probeTarget(spec: DeploymentSpec, workload: WorkloadRef): ProbeTarget;
  /** Every workload this runtime knows on this node: what the agent reconciles with at start. */
  list(): Promise<KnownWorkload[]>;
  /** Stops a workload no deployment record names any more (an orphan of this node), by its key alone. */
  stopOrphan(workload: KnownWorkload, graceMs: number): Promise<void>;
  /** Throws a CompartmentError when workloads cannot run now (Docker: DOCKER_UNAVAILABLE naming the socket); optional. */
  ensureAvailable?(): Promise<void>;
  /** Removes releases of a service except `keepIds`. */
  prune(environmentName: string, serviceName: string, keepIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
