// `deploy` on any node: validates the request and its sources, then the leader plans, places and creates.
import { CompartmentError, RPC, type ApiReply, type ApiRequestParsed } from '../../../packages/protocol/index.js';
import { askLeader } from '../../../cluster/rpc/index.js';
import type { AgentContext } from '../agent-context.js';
import { type DeployLeaderPorts, deployAsLeader } from './deploy.leader.js';
import { newIdempotencyKey } from './request-memo.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'availability' | 'cluster' | 'conn' | 'sources'> & DeployLeaderPorts;

export async function deploy(ctx: AgentPorts, req: ApiRequestParsed<'deploy'>): Promise<ApiReply<'deploy'>> {
  const names = new Set<string>();
  for (const [i, s] of req.services.entries()) {
    if (names.has(s.name))
      throw new CompartmentError('INVALID_ARGUMENT', `service ${s.name} is listed twice`, `services.${i}.name`);
    names.add(s.name);
    // Refused now rather than failed later. When no live node offers the runtime, this node says why it cannot
    // (e.g. DOCKER_UNAVAILABLE naming the socket it tried); placement refuses it otherwise.
    const offered = ctx.cluster.nodeViews().some((n) => n.runtimes.includes(s.config.runtime));
    if (!offered) {
      await ctx.availability.ensure(s.config.runtime).catch((e: unknown) => {
        throw e instanceof CompartmentError
          ? new CompartmentError(e.code, `service ${s.name}: ${e.message}`, `services.${i}.config.runtime`)
          : e;
      });
    }
    if (!(await ctx.sources.has(s.sourceDigest))) {
      throw new CompartmentError(
        'SOURCE_NOT_FOUND',
        `the source ${s.sourceDigest} of ${s.name} was not uploaded`,
        `services.${i}.sourceDigest`,
      );
    }
  }
  // Only the leader plans and places; any node validates first, so bad input never travels.
  const keyed = { ...req, idempotencyKey: req.idempotencyKey ?? newIdempotencyKey() };
  if (ctx.cluster.isLeader()) return deployAsLeader(ctx, keyed);
  return askLeader(ctx.conn.nc, RPC.leaderDeploy, keyed);
}
