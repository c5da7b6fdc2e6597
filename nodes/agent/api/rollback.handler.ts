// `rollback`: the leader promotes the most recent previously-active deployment again, without a build.
import { CompartmentError, type ApiReply, type ApiRequestParsed } from '../../../packages/protocol/index.js';
import { askLeader } from '../../../cluster/rpc/index.js';
import type { AgentContext } from '../agent-context.js';
import { planRollback } from '../planning/rollback.plan.js';
import { releasesToKeep } from '../planning/retention.plan.js';

export async function rollback(ctx: AgentContext, req: ApiRequestParsed<'rollback'>): Promise<ApiReply<'rollback'>> {
  if (!ctx.cluster.isLeader()) return askLeader<ApiReply<'rollback'>>(ctx.conn.nc, 'rollback', req);
  return rollbackAsLeader(ctx, req);
}

export async function rollbackAsLeader(ctx: AgentContext, req: ApiRequestParsed<'rollback'>): Promise<ApiReply<'rollback'>> {
  if (!ctx.cluster.isLeader()) throw new CompartmentError('CONFLICT', 'this node is not the leader');
  const { environment: env, service } = req;
  return ctx.planning.run(`env:${env}`, async () => {
    const records = ctx.records({ env, service });
    if (records.length === 0) throw new CompartmentError('SERVICE_NOT_FOUND', `no deployments of service ${service} in ${env}`, 'service');
    // A release lives on the node that built it: one on a node that is gone cannot be started again.
    const live = ctx.cluster.liveNodes();
    const kept = new Set([...releasesToKeep(records, ctx.settings.keepReleases)].filter((id) => live.has(records.find((r) => r.id === id)?.nodeId ?? '')));
    const plan = planRollback(records, kept, service, env);
    if (!plan.ok) throw new CompartmentError('ROLLBACK_UNAVAILABLE', plan.reason);
    const at = new Date().toISOString();
    for (const old of plan.supersedes) await ctx.deliver(old, { type: 'deployment.superseded', at, by: plan.target.id });
    const deployment = await ctx.deliver(plan.target.id, { type: 'deployment.promote', at, trigger: 'rollback' });
    return { deployment, from: plan.current?.id ?? null };
  });
}
