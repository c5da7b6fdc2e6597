// The chart's tags projected onto stored records: planners ask what a deployment is doing here, never by stage names.
import type { Stage } from '../../packages/protocol/index.js';
import { deploymentMachine } from './deployment.machine.js';
import type { DeploymentTag } from './deployment.types.js';

type Region = 'status' | 'stage' | 'health';
type Node = typeof deploymentMachine.root;

const NONE: ReadonlySet<DeploymentTag> = new Set();
/** Bounded: only paths that name a state of the chart are kept. */
const known = new Map<string, ReadonlySet<DeploymentTag>>();

/**
 * The tags a state in `region` has at `path` (`checking_readiness.halted`), read from the chart itself: its own and its
 * ancestors', as XState's `hasTag` counts them. A path may stop early (a record's `promotionStage`): the tags of the
 * states it names. An unknown path has none.
 */
export function tagsAt(region: Region, path: string): ReadonlySet<DeploymentTag> {
  const key = `${region}:${path}`;
  const hit = known.get(key);
  if (hit) return hit;
  let node: Node | undefined = deploymentMachine.root.states[region] as Node | undefined;
  const out = new Set<DeploymentTag>(node?.tags as DeploymentTag[] | undefined);
  for (const part of path === '' ? [] : path.split('.')) {
    node = node?.states[part] as Node | undefined;
    if (!node) return NONE;
    for (const tag of node.tags) out.add(tag as DeploymentTag);
  }
  known.set(key, out);
  return out;
}

/** Not failed, not finished: still on its way to active. Takes a status or anything that has one (a record). */
export function isInFlight(of: string | { status: string }): boolean {
  return tagsAt('status', typeof of === 'string' ? of : of.status).has('inFlight');
}

type StageOf = string | { promotionStage: Stage };
const stageTags = (of: StageOf) => tagsAt('stage', typeof of === 'string' ? of : of.promotionStage);

/** Before the switch: no route names it yet. Takes a stage, a stage path or a record (its `promotionStage`). */
export function isPreSwitch(of: StageOf): boolean {
  return stageTags(of).has('preSwitch');
}

/** Its route is being written: the route may name it before the record says active. */
export function isSwitching(of: StageOf): boolean {
  return stageTags(of).has('switching');
}

/** Traffic moves to it from its previous deployment (switching or draining): the previous workload is still needed. */
export function isHandover(of: StageOf): boolean {
  return stageTags(of).has('handover');
}

/** Its workload is the one traffic goes to; `stagePath` is the stage region's full path. Records carry it as `isActive`. */
export function isServing(stagePath: string): boolean {
  return tagsAt('stage', stagePath).has('serving');
}

/** Nothing to run there: its actor rests in KV only. `stagePath` is the stage region's full path (`record.state.stage`). */
export function isDormant(stagePath: string): boolean {
  return tagsAt('stage', stagePath).has('dormant');
}

/** Replaced by a deploy with keepPrevious: its workload runs on without traffic for the revert window. */
export function isKept(stagePath: string): boolean {
  return tagsAt('stage', stagePath).has('kept');
}

/** Serving with nothing in flight: only the supervision runs, which the host keeps while the actor sleeps. */
export function canSleep(stagePath: string): boolean {
  return tagsAt('stage', stagePath).has('sleepable');
}
