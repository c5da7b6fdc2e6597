// `logs`: the most recent lines across an environment's services in time order, and where to follow from.
import type { ApiReply, ApiRequestParsed } from '../../../packages/protocol/index.js';
import { readLogs } from '../../../cluster/logs/index.js';
import type { AgentContext } from '../agent-context.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'conn'>;

export async function logs(ctx: AgentPorts, req: ApiRequestParsed<'logs'>): Promise<ApiReply<'logs'>> {
  const filter = {
    env: req.environment,
    ...(req.service ? { service: req.service } : {}),
    ...(req.deploymentId ? { deploymentId: req.deploymentId } : {}),
    ...(req.stream ? { stream: req.stream } : {}),
  };
  return readLogs(ctx.conn, filter, { tail: req.tail, ...(req.since ? { since: req.since } : {}) });
}
