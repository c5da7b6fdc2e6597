// Pure handling of lost nodes: what fails, what is re-placed, which nodes count as lost at all.
import type { DeploymentRecord } from '../../../packages/protocol/index.js';
import { isInFlight, isPreSwitch, isSwitching } from '../../../machines/deployment/index.js';

export interface OwnedRecord {
  record: DeploymentRecord;
  /** The node hosting its actor; null once the leader has taken it over. */
  owner: string | null;
}

export interface LossPlan {
  /** Deployments that get `node.lost`, and are then owned by no one. */
  lost: string[];
  /** Of those, the ones serving traffic (or about to): re-placed as new deployments of the same release. */
  reschedule: DeploymentRecord[];
}

/**
 * Nodes that own deployments but are not live. A node never seen since this leader took over counts only
 * after `graceMs` of leadership, so a cluster restarting together does not declare its slower members lost.
 */
export function lostOwners(
  records: OwnedRecord[],
  liveNodes: ReadonlySet<string>,
  seenNodes: ReadonlySet<string>,
  leaderSinceMs: number,
  now: number,
  graceMs: number,
): Set<string> {
  const lost = new Set<string>();
  for (const { owner } of records) {
    if (owner === null || liveNodes.has(owner)) continue;
    if (seenNodes.has(owner) || now - leaderSinceMs >= graceMs) lost.add(owner);
  }
  return lost;
}

/** What to do with the deployments of a lost node. `routed` holds the ids each route currently points at. */
export function planNodeLoss(nodeId: string, records: OwnedRecord[], routed: ReadonlySet<string>): LossPlan {
  const plan: LossPlan = { lost: [], reschedule: [] };
  for (const { record: r, owner } of records) {
    if (owner !== nodeId) continue;
    const inFlight = isInFlight(r);
    const serving = r.isActive || (isSwitching(r) && inFlight && routed.has(r.id));
    if (serving) {
      plan.lost.push(r.id);
      plan.reschedule.push(r);
    } else if (inFlight && (isPreSwitch(r) || isSwitching(r))) {
      plan.lost.push(r.id);
    }
  }
  return plan;
}
