// The instance set seen from the owner: where extra instances go (node and slot), starting and stopping them, noticing exits.
import type { Runtime } from '../../../packages/protocol/index.js';
import { wantedInstances, type DeploymentSpec, type WorkloadRef } from '../../../machines/deployment/index.js';
import type { InstanceReply, InstanceRequest } from '../../../cluster/rpc/index.js';
import { freeSlots, spreadInstances, type InstancePlace } from '../planning/instances.plan.js';

/** What the owner needs to reach the nodes of a set (this one included: with fewer nodes than instances it runs more). */
export interface InstanceNodes {
  readonly self: string;
  /** Live nodes that offer `runtime` (this one too), in the order they take new instances when equally loaded. */
  candidates(runtime: Runtime): string[];
  isLive(nodeId: string): boolean;
  call(nodeId: string, req: InstanceRequest, timeoutMs: number): Promise<InstanceReply>;
}

/** A status question must come back quickly: a node that cannot answer it in this time is treated as not serving. */
export const STATUS_TIMEOUT_MS = 2_000;
const STOP_MARGIN_MS = 5_000;
/** A remote start may fetch and build the release first. */
export const startTimeoutMs = (spec: DeploymentSpec) => (spec.service.buildTimeoutMs ?? 30 * 60_000) + 60_000;

/** Every instance but the owner's own (slot 0 on this node) runs through `node.instance`; old refs have no slot. */
export const isExtra = (nodes: InstanceNodes, w: WorkloadRef) =>
  w.nodeId !== null && (w.nodeId !== nodes.self || (w.slot ?? 0) > 0);

/** How events name an instance: its node, and its slot when above 0. */
export const whereOf = (w: { nodeId: string | null; slot?: number }) =>
  `${w.nodeId ?? 'this node'}${w.slot ? ` (slot ${w.slot})` : ''}`;

/**
 * Where the instances missing from `set` go: spread over the live nodes that offer the runtime (`exclude` left out),
 * the least loaded first, each with a slot no instance of the set holds.
 */
export function placeExtras(
  nodes: InstanceNodes,
  spec: DeploymentSpec,
  set: readonly WorkloadRef[],
  exclude: ReadonlySet<string> = new Set(),
): InstancePlace[] {
  const count = wantedInstances(spec) - set.length;
  const able = nodes.candidates(spec.runtime).filter((n) => !exclude.has(n));
  const targets = spreadInstances(
    count,
    set.map((w) => w.nodeId ?? ''),
    able,
  );
  const slots = freeSlots(
    targets.length,
    set.map((w) => w.slot ?? 0),
  );
  return targets.map((nodeId, i) => ({ nodeId, slot: slots[i]! }));
}

export async function startExtra(
  nodes: InstanceNodes,
  spec: DeploymentSpec,
  place: { nodeId: string; slot?: number },
  port: number | null = null,
): Promise<WorkloadRef> {
  const req = { id: spec.id, op: 'start' as const, port, ...(place.slot !== undefined ? { slot: place.slot } : {}) };
  const reply = await nodes.call(place.nodeId, req, startTimeoutMs(spec));
  if (!reply.workload) throw new Error(`node ${place.nodeId} started no instance of ${spec.id}`);
  return place.slot ? { ...reply.workload, slot: place.slot } : reply.workload;
}

/** Stops one instance on its node (an old ref without a slot: every instance of the deployment there). */
export async function stopExtra(
  nodes: InstanceNodes,
  spec: DeploymentSpec,
  w: { nodeId: string | null; slot?: number },
): Promise<void> {
  if (w.nodeId === null || !nodes.isLive(w.nodeId)) return;
  const req = { id: spec.id, op: 'stop' as const, ...(w.slot !== undefined ? { slot: w.slot } : {}) };
  await nodes.call(w.nodeId, req, spec.service.stop.graceMs + STOP_MARGIN_MS);
}

/**
 * Starts the instances beyond `local` on their nodes, all at once. One that fails stops the others it started
 * and fails the whole start: a set is all or nothing.
 */
export async function startSet(nodes: InstanceNodes, spec: DeploymentSpec, local: WorkloadRef): Promise<WorkloadRef[]> {
  const places = placeExtras(nodes, spec, [local]);
  const results = await Promise.allSettled(places.map((p) => startExtra(nodes, spec, p)));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed < 0) return [local, ...results.map((r) => (r as PromiseFulfilledResult<WorkloadRef>).value)];
  await Promise.allSettled(places.map((p) => stopExtra(nodes, spec, p)));
  const reason = (results[failed] as PromiseRejectedResult).reason as Error;
  throw new Error(`instance on ${whereOf(places[failed]!)} failed to start: ${reason?.message ?? String(reason)}`);
}

/** Stops every instance of the set that is not this node's own (stopping a stopped one is a no-op). */
export async function stopExtras(
  nodes: InstanceNodes,
  spec: DeploymentSpec,
  instances: readonly WorkloadRef[],
): Promise<void> {
  await Promise.allSettled(instances.filter((w) => isExtra(nodes, w)).map((w) => stopExtra(nodes, spec, w)));
}

/** Asks each remote instance whether it still runs, every `everyMs`; calls `onGone` once for the first that does not. */
export function watchExtras(
  nodes: InstanceNodes,
  spec: DeploymentSpec,
  instances: readonly WorkloadRef[],
  everyMs: number,
  onGone: (w: WorkloadRef, why: string) => void,
): () => void {
  const extras = instances.filter((w) => isExtra(nodes, w));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    for (const w of extras) {
      const why = await instanceStatus(nodes, spec, w)
        .then((running) => (running ? null : `instance on ${whereOf(w)} exited`))
        .catch((e: Error) => `instance on ${whereOf(w)} did not answer: ${e.message}`);
      if (stopped) return;
      if (why) return onGone(w, why);
    }
    timer = setTimeout(() => void check(), everyMs);
  };
  if (extras.length > 0) timer = setTimeout(() => void check(), everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Whether one remote instance runs, asked of its node (throws when the node does not answer in time). */
export async function instanceStatus(nodes: InstanceNodes, spec: DeploymentSpec, w: WorkloadRef): Promise<boolean> {
  const req = { id: spec.id, op: 'status' as const, ...(w.slot !== undefined ? { slot: w.slot } : {}) };
  return (await nodes.call(w.nodeId!, req, STATUS_TIMEOUT_MS)).running;
}
