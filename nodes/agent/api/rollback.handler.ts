// `rollback`: the leader promotes the most recent previously-active deployment again, without a build.
import { CompartmentError, RPC, type ApiReply, type ApiRequestParsed } from '../../../packages/protocol/index.js';
import { askLeader } from '../../../cluster/rpc/index.js';
import type { AgentContext } from '../agent-context.js';
import { planRollback } from '../planning/rollback.plan.js';
import { releasesToKeep } from '../planning/retention.plan.js';
import { newIdempotencyKey } from './request-memo.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'cluster' | 'conn' | 'deliver' | 'planLock' | 'records' | 'requests' | 'settings'>;

type Keyed = ApiRequestParsed<'rollback'> & { idempotencyKey: string; revert?: { from: string } };

export async function rollback(ctx: AgentPorts, req: ApiRequestParsed<'rollback'>): Promise<ApiReply<'rollback'>> {
  const keyed = { ...req, idempotencyKey: req.idempotencyKey ?? newIdempotencyKey() };
  if (!ctx.cluster.isLeader()) return askLeader(ctx.conn.nc, RPC.leaderRollback, keyed);
  return rollbackAsLeader(ctx, keyed);
}

/**
 * An automatic revert takes the same path as `rollback` (the leader's plan, under the environment's lock), with
 * trigger auto_revert. One key per reverting deployment: an effect re-run after a restore gets the first answer.
 */
export async function revertAutomatically(
  ctx: AgentPorts,
  req: { environment: string; service: string; from: string },
): Promise<ApiReply<'rollback'>> {
  const keyed: Keyed = {
    environment: req.environment,
    service: req.service,
    idempotencyKey: `revert-${req.from}`,
    revert: { from: req.from },
  };
  if (!ctx.cluster.isLeader()) return askLeader(ctx.conn.nc, RPC.leaderRollback, keyed);
  return rollbackAsLeader(ctx, keyed);
}

export function rollbackAsLeader(ctx: AgentPorts, req: Keyed): Promise<ApiReply<'rollback'>> {
  if (!ctx.cluster.isLeader()) return Promise.reject(new CompartmentError('NOT_LEADER', 'this node is not the leader'));
  return ctx.requests.run('rollback', req.idempotencyKey, Date.now(), () => promotePrevious(ctx, req));
}

async function promotePrevious(ctx: AgentPorts, req: Keyed): Promise<ApiReply<'rollback'>> {
  const { environment: env, service, revert } = req;
  return ctx.planLock.run(`env:${env}`, async () => {
    const records = ctx.records({ env, service });
    if (records.length === 0)
      throw new CompartmentError('SERVICE_NOT_FOUND', `no deployments of service ${service} in ${env}`, 'service');
    // A release lives on the node that built it: one on a node that is gone cannot be started again.
    const live = ctx.cluster.liveNodes();
    const kept = new Set(
      [...releasesToKeep(records, ctx.settings.keepReleases)].filter((id) =>
        live.has(records.find((r) => r.id === id)?.nodeId ?? ''),
      ),
    );
    const plan = planRollback(records, kept, service, env);
    if (!plan.ok) throw new CompartmentError('ROLLBACK_UNAVAILABLE', plan.reason);
    // A revert undoes only the deployment that failed: once another one took the route, there is nothing to revert.
    if (revert && plan.current?.id !== revert.from)
      throw new CompartmentError('CONFLICT', `${revert.from} is no longer the active deployment: not reverted`);
    const at = new Date().toISOString();
    // A deploy in flight is the user's next word: a revert leaves it to switch after it; a manual rollback stops it.
    for (const old of revert ? [] : plan.supersedes)
      await ctx.deliver(old, { type: 'deployment.superseded', at, by: plan.target.id });
    const trigger = revert ? 'auto_revert' : 'rollback';
    const deployment = await ctx.deliver(plan.target.id, { type: 'deployment.promote', at, trigger });
    return { deployment, from: plan.current?.id ?? null };
  });
}
