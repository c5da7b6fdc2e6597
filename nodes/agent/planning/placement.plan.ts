// Pure placement: which live node runs each new deployment, spreading services and preferring a node holding the release.
import type { DeploymentRecord, Runtime } from '../../../packages/protocol/index.js';
import { isInFlight } from '../../../machines/deployment/index.js';

export interface NodeView {
  id: string;
  runtimes: Runtime[];
  /** Server time (ms) of the node's last heartbeat. */
  seenAt: number;
}

export interface Desired {
  serviceName: string;
  environmentName: string;
  runtime: Runtime;
  sourceDigest: string;
}

export type Placement = { desired: Desired; nodeId: string } | { desired: Desired; error: string };

const busy = (r: DeploymentRecord) => r.isActive || isInFlight(r);

/**
 * Places each desired deployment on a live node (heartbeat younger than `lostAfterMs` at `now`) that offers its
 * runtime. Preference: a node that already holds the release (same service, environment and source), then the
 * node running the fewest deployments (counting the ones this plan just placed), then the id, for determinism.
 */
export function place(
  desired: Desired[],
  nodes: NodeView[],
  deployments: DeploymentRecord[],
  now: number,
  lostAfterMs: number,
): Placement[] {
  const live = nodes.filter((n) => now - n.seenAt < lostAfterMs);
  const load = new Map(live.map((n) => [n.id, deployments.filter((d) => busy(d) && d.nodeId === n.id).length]));
  return desired.map((d) => {
    const able = live.filter((n) => n.runtimes.includes(d.runtime));
    if (able.length === 0) {
      return { desired: d, error: live.length === 0 ? 'no live node' : `no live node offers runtime ${d.runtime}` };
    }
    const holds = (n: NodeView) =>
      deployments.some(
        (r) =>
          r.nodeId === n.id &&
          r.serviceName === d.serviceName &&
          r.environmentName === d.environmentName &&
          r.sourceDigest === d.sourceDigest &&
          r.status !== 'failed',
      );
    const best = [...able].sort(
      (a, b) => Number(holds(b)) - Number(holds(a)) || load.get(a.id)! - load.get(b.id)! || a.id.localeCompare(b.id),
    )[0]!;
    load.set(best.id, load.get(best.id)! + 1);
    return { desired: d, nodeId: best.id };
  });
}
