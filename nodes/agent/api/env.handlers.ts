// `env.set`, `env.unset`, `env.list`, `env.rotate-key`: variables stored in the cluster; secret values never leave it through the API.
import type { ApiReply, ApiRequestParsed } from '../../../packages/protocol/index.js';
import type { AgentContext } from '../agent-context.js';
import { type KeyRotationPorts, rotateClusterKey } from '../secrets/key-rotation.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'planLock' | 'settings' | 'variables'> & KeyRotationPorts;

export async function envSet(ctx: AgentPorts, req: ApiRequestParsed<'env.set'>): Promise<ApiReply<'env.set'>> {
  const { changed } = await ctx.variables.set(req.environment, req.name, req.value, { secret: req.secret });
  return { environment: req.environment, name: req.name, changed };
}

export async function envUnset(ctx: AgentPorts, req: ApiRequestParsed<'env.unset'>): Promise<ApiReply<'env.unset'>> {
  const { changed } = await ctx.variables.unset(req.environment, req.name);
  return { environment: req.environment, name: req.name, changed };
}

export async function envList(ctx: AgentPorts, req: ApiRequestParsed<'env.list'>): Promise<ApiReply<'env.list'>> {
  const variables = await ctx.variables.list(req.environment);
  return {
    environment: req.environment,
    variables: variables.map((v) => ({ name: v.name, value: v.secret ? null : v.value, secret: v.secret })),
  };
}

/** One rotation at a time on this node; the agents of `up` share one key file, so any of them may serve it. */
export async function envRotateKey(
  ctx: AgentPorts,
  _req: ApiRequestParsed<'env.rotate-key'>,
): Promise<ApiReply<'env.rotate-key'>> {
  return { ...(await ctx.planLock.run('cluster-key', () => rotateClusterKey(ctx))), nodeId: ctx.settings.nodeId };
}
