// `nodes`: every node agent the cluster knows, live or lost, with what it offers and what it runs.
import type { ApiReply, NodeInfo } from '../../../packages/protocol/index.js';
import { isInFlight } from '../../../machines/deployment/index.js';
import type { AgentContext } from '../agent-context.js';

/** The part of the agent this module uses. */
type AgentPorts = Pick<AgentContext, 'cluster' | 'records'>;

export async function nodes(ctx: AgentPorts): Promise<ApiReply<'nodes'>> {
  const now = ctx.cluster.now();
  const running = (id: string) =>
    ctx.records({}).filter((r) => r.nodeId === id && (r.isActive || isInFlight(r))).length;
  const out = new Map<string, NodeInfo>();
  for (const m of await ctx.cluster.membership.members()) {
    out.set(m.node.id, {
      ...m.node,
      leader: false,
      state: 'lost',
      seenAt: m.lostAt ?? m.node.startedAt,
      load: { ...m.node.load, deployments: running(m.node.id) },
    });
  }
  for (const v of ctx.cluster.membership.nodeViews(now)) {
    out.set(v.beat.id, {
      ...v.beat,
      leader: v.beat.id === ctx.cluster.leader(),
      state: v.live ? 'alive' : 'lost',
      seenAt: v.seenAt.toISOString(),
      load: { ...v.beat.load, deployments: running(v.beat.id) },
    });
  }
  const edges = ctx.cluster.membership
    .edgeViews(ctx.cluster.now())
    .map((e) => ({ ...e.beat, state: e.live ? ('alive' as const) : ('lost' as const), seenAt: e.seenAt.toISOString() }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return { nodes: [...out.values()].sort((a, b) => a.id.localeCompare(b.id)), edges };
}
