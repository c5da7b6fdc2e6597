// `compartment nodes`: the cluster's node agents (live or lost, the leader, what each runs) and its edges.
import type { CommonFlags } from '../cli-options.js';
import { validateRequest } from '../client/api.client.js';
import { formatTable } from '../output/text-table.js';
import { Output } from '../output/terminal-output.js';
import { withClient } from './command-context.js';

export async function nodesCommand(flags: CommonFlags): Promise<number> {
  const out = new Output(Boolean(flags.json));
  const reply = await withClient(flags, (client) => client.request('nodes', validateRequest('nodes', {})));
  out.event(reply.nodes);
  const rows = reply.nodes.map((n) => [
    n.id + (n.leader ? ' (leader)' : ''),
    n.state,
    n.address,
    n.runtimes.join(','),
    String(n.load.deployments),
    `${n.load.builds}/${n.capacity.buildSlots}`,
    n.edge ? 'yes' : 'no',
    n.seenAt.replace('T', ' ').slice(0, 19),
    n.metricsUrl ?? '-',
  ]);
  out.line(
    rows.length === 0
      ? 'no nodes'
      : formatTable(['NODE', 'STATE', 'ADDRESS', 'RUNTIMES', 'DEPLOYMENTS', 'BUILDS', 'EDGE', 'SEEN', 'METRICS'], rows),
  );
  if (reply.edges.length > 0) {
    const edges = reply.edges.map((e) => [
      e.id,
      e.state,
      `${e.listenHost}:${e.routePorts[0]}-${e.routePorts[1]}`,
      e.seenAt.replace('T', ' ').slice(0, 19),
      e.metricsUrl ?? '-',
    ]);
    out.line('');
    out.line(formatTable(['EDGE', 'STATE', 'ROUTE PORTS', 'SEEN', 'METRICS'], edges));
  }
  return 0;
}
