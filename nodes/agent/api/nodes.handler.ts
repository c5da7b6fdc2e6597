// `nodes`: the node agents of the cluster with their load (this node only, until membership lands).
import type { ApiReply } from '../../../packages/protocol/index.js';
import type { AgentContext } from '../agent-context.js';

export function nodes(ctx: AgentContext): ApiReply<'nodes'> {
  const s = ctx.settings;
  const mine = ctx.records({}).filter((r) => r.nodeId === s.nodeId);
  return {
    nodes: [
      {
        id: s.nodeId,
        address: s.routeHost,
        pid: process.pid,
        runtimes: s.runtimes,
        capacity: { buildSlots: ctx.slots.capacity },
        load: { deployments: mine.filter((r) => r.isActive || r.status === 'queued' || r.status === 'running').length, builds: ctx.slots.inUse },
        edge: false,
        leader: true,
        state: 'alive',
        startedAt: s.startedAt,
        seenAt: new Date().toISOString(),
      },
    ],
  };
}
