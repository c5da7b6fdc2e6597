// What the effects need from the node agent: runtimes, build slots, the router, and a way to reach other deployments.
import type { Runtime } from '../../../packages/protocol/index.js';
import type { DeploymentEvent, DeploymentSpec, PreviousRef, WorkloadRef } from '../../../machines/deployment/index.js';
import type { WorkloadRuntime } from '../runtime/workload-runtime.js';
import type { BuildSlots } from '../build-slots.js';

export interface Router {
  /** Points the service's route at `workload`; resolves once the edges serve it. Re-running it is a no-op. */
  switchTo(spec: DeploymentSpec, workload: WorkloadRef): Promise<{ previous: PreviousRef | null }>;
  /** Waits until no edge has a request in flight to `previous`, at most `timeoutMs`. */
  drain(spec: DeploymentSpec, previous: PreviousRef, timeoutMs: number): Promise<{ drained: boolean; inFlight: number; waitedMs: number }>;
}

export interface EffectDeps {
  runtime(kind: Runtime): WorkloadRuntime;
  slots: BuildSlots;
  router: Router;
  /** Sends an event to another deployment, wherever it lives. */
  deliver(id: string, event: DeploymentEvent): Promise<void>;
  /** Stops another deployment's workload (the previous one, after draining). */
  stopDeployment(id: string): Promise<void>;
  event(spec: DeploymentSpec, text: string): void;
  warn(message: string, error?: unknown): void;
}
