// `deploy` on any node: validates the request and its sources, then the leader plans, places and creates.
import { CompartmentError, type ApiReply, type ApiRequestParsed } from '../../../packages/protocol/index.js';
import { askLeader } from '../../../cluster/rpc/index.js';
import type { AgentContext } from '../agent-context.js';
import { deployAsLeader } from './deploy.leader.js';
import { ensureAvailable } from '../runtime/runtime-availability.js';

export async function deploy(ctx: AgentContext, req: ApiRequestParsed<'deploy'>): Promise<ApiReply<'deploy'>> {
  const names = new Set<string>();
  for (const [i, s] of req.services.entries()) {
    if (names.has(s.name)) throw new CompartmentError('INVALID_ARGUMENT', `service ${s.name} is listed twice`, `services.${i}.name`);
    names.add(s.name);
    // Refused now rather than failed later: e.g. no Docker engine answers (the message names the socket).
    await ensureAvailable(ctx, s.config.runtime).catch((e: unknown) => {
      throw e instanceof CompartmentError ? new CompartmentError(e.code, `service ${s.name}: ${e.message}`, `services.${i}.config.runtime`) : e;
    });
    if (!(await ctx.sources.has(s.sourceDigest))) {
      throw new CompartmentError('SOURCE_NOT_FOUND', `the source ${s.sourceDigest} of ${s.name} was not uploaded`, `services.${i}.sourceDigest`);
    }
  }
  // Only the leader plans and places; any node validates first, so bad input never travels.
  if (ctx.cluster.isLeader()) return deployAsLeader(ctx, req);
  return askLeader<ApiReply<'deploy'>>(ctx.conn.nc, 'deploy', req);
}
