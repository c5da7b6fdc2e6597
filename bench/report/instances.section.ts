// Section 9: instance sets — a 3-instance redeploy beside PM2's 3-worker reload, and a node of a 2-instance set lost.
import type { FailoverData, InstancesData } from '../scenarios/index.js';
import { ms, num, table } from './markdown.js';

export function instancesSection(d: InstancesData, single: FailoverData | undefined): string {
  const l = d.loss;
  const lossRows: string[][] = [
    [
      `\`instances: ${l.instances}\`, the ${l.role}'s node ${l.node} frozen (agent and \`up\`'s supervisor SIGSTOPped), its instance SIGKILLed`,
      num(l.failed),
      num(l.requests),
      `**${ms(l.wholeAgainMs)}** to ${l.instances}/${l.instances} (status went ${l.seen.join(' → ')})`,
    ],
  ];
  if (single)
    lossRows.push([
      `one instance (section 8): its node frozen, its workload SIGKILLed`,
      `${num(single.frozen.failedProbes)} failed probes (one at a time)`,
      '–',
      `${ms(single.frozen.servingAgainMs)} until it serves again`,
    ]);
  return [
    `A local cluster of ${d.nodes} nodes (\`up --nodes ${d.nodes}\`), 50 keep-alive connections of GETs through an edge while the set changes.`,
    '',
    table(
      ['redeploy', 'instances', 'failed requests', 'requests', 'wall time'],
      d.redeploy.map((r) => [r.what, String(r.instances), `**${num(r.failed)}**`, num(r.requests), ms(r.wallMs)]),
    ),
    '',
    table(['node lost', 'failed requests', 'requests', 'whole again'], lossRows),
    '',
    'A failed request is any non-2xx answer, connection error or timeout (10 s). With two instances the other one serves while the lost one is replaced: each edge drops an instance it cannot connect to from its DNS answer within about 100 ms, and Caddy retries a failed dial on the other instance for GETs.',
  ].join('\n');
}
