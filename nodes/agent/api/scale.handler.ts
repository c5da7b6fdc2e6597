// `scale`: the active deployment of a service runs a new number of instances; no build, no new deployment.
import { CompartmentError, type ApiReply, type ApiRequestParsed } from '../../../packages/protocol/index.js';
import type { AgentContext } from '../agent-context.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'deliver' | 'records'>;

export async function scale(ctx: AgentPorts, req: ApiRequestParsed<'scale'>): Promise<ApiReply<'scale'>> {
  const { environment: env, service, instances } = req;
  const records = ctx.records({ env, service });
  if (records.length === 0)
    throw new CompartmentError('SERVICE_NOT_FOUND', `no deployments of service ${service} in ${env}`, 'service');
  // Only a settled active deployment: one still switching or draining gets its count from the deploy that made it.
  const active = records.find((r) => r.isActive && r.promotionStage === 'active');
  if (!active)
    throw new CompartmentError(
      'CONFLICT',
      `${service} in ${env} has no active deployment to scale (one may be switching: try again once it is active)`,
      'service',
    );
  const from = active.instances?.total ?? 1;
  // The statechart decides: the event re-enters active.serving, whose supervision then grows or shrinks the set.
  const deployment = await ctx.deliver(active.id, {
    type: 'deployment.scale',
    at: new Date().toISOString(),
    instances,
  });
  return { deployment, from };
}
