// Reaching a deployment wherever it lives: hosted here, hosted by a live owner node, or only stored in KV.
import { setTimeout as sleep } from 'node:timers/promises';
import { CompartmentError, type DeploymentRecord } from '../../../packages/protocol/index.js';
import type { DeploymentEvent, DeploymentSpec } from '../../../machines/deployment/index.js';
import { deliverRemote, instanceRemote, stopRemote } from '../../../cluster/rpc/index.js';
import type { AgentContext } from '../agent-context.js';
import { LOST_AFTER_MS } from '../../../cluster/membership/index.js';
import { storedContext } from '../stored-context.js';
import type { WorkloadRuntime } from '../runtime/workload-runtime.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'cluster' | 'conn' | 'deployments' | 'host' | 'index' | 'settings'>;

/** Pause between asks of an owner that answered nothing (its node may be dead and not yet declared lost). */
const NO_ANSWER_RETRY_MS = 250;

/** To its actor here, or to its owner's; with no live owner, as a pure transition here (which wakes it here if needed). */
export async function deliverAnywhere(ctx: AgentPorts, id: string, event: DeploymentEvent): Promise<DeploymentRecord> {
  const self = ctx.settings.nodeId;
  if (ctx.host.isHosted(id)) return ctx.host.deliver(id, event);
  const owner = ctx.index.get(id)?.owner ?? (await ctx.deployments.get(id))?.value.owner ?? null;
  if (owner && owner !== self) {
    // A node that just died answers nothing, yet counts as live until its heartbeats are LOST_AFTER_MS old: wait for
    // either its answer or its loss, then transition the stored deployment here (compare-and-swap guards the owner).
    const until = Date.now() + 2 * LOST_AFTER_MS;
    while (ctx.cluster.isLive(owner)) {
      try {
        return await deliverRemote(ctx.conn.nc, owner, id, event);
      } catch (error) {
        const noAnswer = error instanceof CompartmentError && error.code === 'CLUSTER_UNAVAILABLE';
        if (!noAnswer || Date.now() > until) throw error;
        await sleep(NO_ANSWER_RETRY_MS);
      }
    }
  }
  return ctx.host.deliver(id, event);
}

/**
 * Stops a deployment's workload on the node that runs it (its spec names it). A workload on a lost node is left to
 * that node: when it comes back it finds the deployment no longer its own and stops it as an orphan.
 */
export async function stopAnywhere(
  ctx: AgentPorts,
  runtime: (spec: DeploymentSpec) => WorkloadRuntime,
  id: string,
  event: (spec: DeploymentSpec, text: string) => void,
): Promise<void> {
  const context = await storedContext(ctx.deployments, id);
  if (!context) return;
  const { spec } = context;
  // The set's other instances, on their nodes: one stop per node stops every instance (slot) it holds.
  const extras = new Set(
    (context.instances ?? []).map((w) => w.nodeId).filter((n): n is string => n !== null && n !== spec.nodeId),
  );
  await Promise.all(
    [...extras].map(async (nodeId) => {
      if (!ctx.cluster.isLive(nodeId))
        return event(spec, `instance of ${id} runs on lost node ${nodeId}; that node stops it when it returns`);
      await instanceRemote(ctx.conn.nc, nodeId, { id, op: 'stop' }, spec.service.stop.graceMs + 5_000).catch(
        (e: Error) => event(spec, `could not stop the instance of ${id} on ${nodeId}: ${e.message}`),
      );
    }),
  );
  if (spec.nodeId === ctx.settings.nodeId || spec.nodeId === null)
    return runtime(spec).stop(spec, spec.service.stop.graceMs);
  if (ctx.cluster.isLive(spec.nodeId)) return stopRemote(ctx.conn.nc, spec.nodeId, id);
  event(spec, `workload of ${id} runs on lost node ${spec.nodeId}; that node stops it when it returns`);
}
