// What the effects need from the node agent: runtimes, build slots, the router, and a way to reach other deployments.
import type { Runtime } from '../../../packages/protocol/index.js';
import type { DeploymentEvent, DeploymentSpec, PreviousRef, WorkloadRef } from '../../../machines/deployment/index.js';
import type { WorkloadRuntime } from '../runtime/workload-runtime.js';
import type { BuildSlots } from '../build-slots.js';
import type { InstanceNodes } from './instance-set.js';

export interface Router {
  /** Points the service's route at the instance set, in one write; resolves once the edges serve it. Re-running it is a no-op. */
  switchTo(spec: DeploymentSpec, instances: readonly WorkloadRef[]): Promise<{ previous: PreviousRef | null }>;
  /** Rewrites the upstreams of the route while it still points at `spec` (an instance lost or re-placed); false if it does not. */
  setUpstreams(spec: DeploymentSpec, instances: readonly WorkloadRef[]): Promise<boolean>;
  /** Waits until no edge has a request in flight to `previous`, at most `timeoutMs`. */
  drain(
    spec: DeploymentSpec,
    previous: PreviousRef,
    timeoutMs: number,
  ): Promise<{ drained: boolean; inFlight: number; waitedMs: number }>;
}

export interface EffectDeps {
  runtime(kind: Runtime): WorkloadRuntime;
  slots: BuildSlots;
  router: Router;
  /** The other nodes of an instance set. */
  nodes: InstanceNodes;
  /** Sends an event to another deployment, wherever it lives. */
  deliver(id: string, event: DeploymentEvent): Promise<void>;
  /** Automatic revert: asks the leader for a rollback of `spec`'s service away from `spec` (trigger auto_revert); the id promoted. */
  revert(spec: DeploymentSpec): Promise<string>;
  /** Stops another deployment's workload (the previous one, after draining). */
  stopDeployment(id: string): Promise<void>;
  event(spec: DeploymentSpec, text: string): void;
  warn(message: string, error?: unknown): void;
}
