// Start and stop of an agent's workloads: orphans are stopped at start; an orderly stop fails what had not switched.
import type { Runtime } from '../../packages/protocol/index.js';
import { isHandover, isInFlight, isKept, isPreSwitch } from '../../machines/deployment/index.js';
import type { AgentContext } from './agent-context.js';
import type { WorkloadRuntime } from './runtime/workload-runtime.js';
import type { Logger } from './agent-logger.js';
import { stopWorkloadOf } from './stored-context.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'deliver' | 'deployments' | 'host' | 'recordOf' | 'records' | 'settings'>;

/** An orphan has no record to tell its own stop grace: this one. */
const ORPHAN_GRACE_MS = 10_000;

/** Workloads some hosted deployment still needs: its own, and the previous one it is switching from or draining. */
function neededWorkloads(ctx: AgentPorts): Set<string> {
  const needed = new Set<string>();
  for (const id of ctx.host.ids()) {
    needed.add(id);
    const r = ctx.recordOf(id);
    if (r?.previousId && isHandover(r)) needed.add(r.previousId);
  }
  // Instances this node runs for deployments other nodes own, while those are in flight or serving: their owner supervises them.
  const self = ctx.settings.nodeId;
  for (const r of ctx.records({})) {
    const live = r.isActive || isInFlight(r) || isKept(r.state.stage);
    if (live && r.nodeId !== self && r.instances?.list.some((i) => i.nodeId === self)) needed.add(r.id);
  }
  return needed;
}

/** Stops every running workload of these runtimes that `keep` does not name. */
async function stopRunning(
  ctx: AgentPorts,
  runtimes: Map<Runtime, WorkloadRuntime>,
  keep: Set<string>,
  log: Logger,
  why: string,
): Promise<void> {
  const runtime = (kind: Runtime) => runtimes.get(kind)!;
  for (const rt of runtimes.values()) {
    for (const w of await rt.list()) {
      if (!w.running || keep.has(w.deploymentId)) continue;
      log.info(`stopping workload of deployment ${w.deploymentId} (${why})`);
      const known = await stopWorkloadOf(ctx.deployments, runtime, w.deploymentId).catch(
        (e) => (log.warn(`could not stop ${w.deploymentId}`, e), true),
      );
      // No record at all (pruned, or its cluster state was reset): the runtime lists only this node's own workloads.
      if (!known)
        await rt
          .stopOrphan(w, ORPHAN_GRACE_MS)
          .catch((e) => log.warn(`could not stop the orphan ${w.deploymentId}`, e));
    }
  }
}

/** After restoring actors: a running workload nothing needs (failed, replaced) is an orphan and is stopped. */
export async function reconcileWorkloads(
  ctx: AgentPorts,
  runtimes: Map<Runtime, WorkloadRuntime>,
  log: Logger,
): Promise<void> {
  await stopRunning(ctx, runtimes, neededWorkloads(ctx), log, 'orphaned');
}

export async function shutdownDeployments(
  ctx: AgentPorts,
  runtimes: Map<Runtime, WorkloadRuntime>,
  keepWorkloads: boolean,
  log: Logger,
): Promise<void> {
  const at = new Date().toISOString();
  for (const id of ctx.host.ids()) {
    const r = ctx.recordOf(id);
    if (r && isPreSwitch(r) && isInFlight(r)) {
      await ctx
        .deliver(id, { type: 'node.lost', at, nodeId: ctx.settings.nodeId, reason: 'stopped' })
        .catch((e) => log.warn(`could not fail ${id}`, e));
    }
  }
  await ctx.host.stopAll();
  if (!keepWorkloads) await stopRunning(ctx, runtimes, new Set(), log, 'node stopping');
}
