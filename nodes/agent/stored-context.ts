// Another deployment's spec and workload, read from its persisted actor context (it may be hosted on another node).
import {
  readStoredDeployment,
  type DeploymentContext,
  type DeploymentSpec,
  type WorkloadRef,
} from '../../machines/deployment/index.js';
import type { DeploymentStore } from '../../cluster/deployments/index.js';
import type { WorkloadRuntime } from './runtime/workload-runtime.js';

/** The spec and workload of any deployment, from its persisted actor context (null when none is stored or readable). */
export async function storedContext(store: DeploymentStore, id: string): Promise<DeploymentContext | null> {
  const stored = await store.get(id);
  const read = readStoredDeployment(stored?.value.snapshot);
  return read.ok ? read.stored.context : null;
}

export async function workloadOf(store: DeploymentStore, id: string): Promise<WorkloadRef | null> {
  return (await storedContext(store, id))?.candidate ?? null;
}

/** Stops a deployment's workload with its own grace period; returns false when the deployment is unknown. */
export async function stopWorkloadOf(
  store: DeploymentStore,
  runtime: (kind: DeploymentSpec['runtime']) => WorkloadRuntime,
  id: string,
): Promise<boolean> {
  const context = await storedContext(store, id);
  if (!context) return false;
  await runtime(context.spec.runtime).stop(context.spec, context.spec.service.stop.graceMs);
  return true;
}
