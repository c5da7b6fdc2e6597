// `rollback`: promotes the most recent previously-active deployment again, without a build.
import { CompartmentError, type ApiReply, type ApiRequestParsed } from '../../../packages/protocol/index.js';
import type { AgentContext } from '../agent-context.js';
import { planRollback } from '../planning/rollback.plan.js';
import { releasesToKeep } from '../planning/retention.plan.js';

export async function rollback(ctx: AgentContext, req: ApiRequestParsed<'rollback'>): Promise<ApiReply<'rollback'>> {
  const { environment: env, service } = req;
  return ctx.planning.run(`env:${env}`, async () => {
    const records = ctx.records({ env, service });
    if (records.length === 0) throw new CompartmentError('SERVICE_NOT_FOUND', `no deployments of service ${service} in ${env}`, 'service');
    const plan = planRollback(records, releasesToKeep(records, ctx.settings.keepReleases), service, env);
    if (!plan.ok) throw new CompartmentError('ROLLBACK_UNAVAILABLE', plan.reason);
    const at = new Date().toISOString();
    for (const old of plan.supersedes) await ctx.deliver(old, { type: 'deployment.superseded', at, by: plan.target.id });
    const deployment = await ctx.deliver(plan.target.id, { type: 'deployment.promote', at, trigger: 'rollback' });
    return { deployment, from: plan.current?.id ?? null };
  });
}
