// Small adapters between the agent's parts: log metadata, the output sink, reading another deployment's spec.
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import type { DeploymentContext, DeploymentSpec, WorkloadRef } from '../../machines/deployment/index.js';
import type { DeploymentStore } from '../../cluster/deployments/index.js';
import type { LogMeta, LogPublisher } from '../../cluster/logs/index.js';
import type { OutputSink, WorkloadRuntime } from './runtime/workload-runtime.js';

export function metaOf(d: DeploymentSpec | DeploymentRecord): LogMeta {
  return {
    deploymentId: d.id,
    serviceName: d.serviceName,
    environmentName: d.environmentName,
    nodeId: d.nodeId,
  };
}

export function outputSink(publisher: LogPublisher, warn: (m: string, e?: unknown) => void): OutputSink {
  return {
    output: (spec, stream, lines) => publisher.write(metaOf(spec), stream, lines),
    event: (spec, text) =>
      void publisher.event(metaOf(spec), text).catch((e) => warn('could not publish a platform event', e)),
  };
}

/** The spec and workload of any deployment, from its persisted actor context. */
export async function storedContext(store: DeploymentStore, id: string): Promise<DeploymentContext | null> {
  const stored = await store.get(id);
  const context = (stored?.value.snapshot as { context?: DeploymentContext } | undefined)?.context;
  return context ?? null;
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
