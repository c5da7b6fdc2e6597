// The instance set seen from the owner: where extra instances go, starting and stopping them on their nodes, noticing exits.
import type { Runtime } from '../../../packages/protocol/index.js';
import { wantedInstances, type DeploymentSpec, type WorkloadRef } from '../../../machines/deployment/index.js';
import type { InstanceReply, InstanceRequest } from '../../../cluster/rpc/index.js';

/** What the owner needs to reach the other nodes of a set. */
export interface InstanceNodes {
  readonly self: string;
  /** Live nodes other than this one that offer `runtime`, in the order extra instances take them. */
  candidates(runtime: Runtime): string[];
  isLive(nodeId: string): boolean;
  call(nodeId: string, req: InstanceRequest, timeoutMs: number): Promise<InstanceReply>;
}

/** A status question must come back quickly: a node that cannot answer it in this time is treated as not serving. */
export const STATUS_TIMEOUT_MS = 2_000;
const STOP_MARGIN_MS = 5_000;
/** A remote start may fetch and build the release first. */
export const startTimeoutMs = (spec: DeploymentSpec) => (spec.service.buildTimeoutMs ?? 30 * 60_000) + 60_000;

export const isExtra = (nodes: InstanceNodes, w: WorkloadRef) => w.nodeId !== null && w.nodeId !== nodes.self;

/** Nodes for the instances beyond this node's own: distinct live nodes, as many as there are (never this one twice). */
export function placeExtras(
  nodes: InstanceNodes,
  spec: DeploymentSpec,
  exclude: ReadonlySet<string> = new Set(),
): string[] {
  const extra = wantedInstances(spec) - 1;
  return nodes
    .candidates(spec.runtime)
    .filter((n) => !exclude.has(n))
    .slice(0, Math.max(0, extra));
}

export async function startExtra(
  nodes: InstanceNodes,
  spec: DeploymentSpec,
  nodeId: string,
  port: number | null = null,
): Promise<WorkloadRef> {
  const reply = await nodes.call(nodeId, { id: spec.id, op: 'start', port }, startTimeoutMs(spec));
  if (!reply.workload) throw new Error(`node ${nodeId} started no instance of ${spec.id}`);
  return reply.workload;
}

export async function stopExtra(nodes: InstanceNodes, spec: DeploymentSpec, nodeId: string): Promise<void> {
  if (!nodes.isLive(nodeId)) return;
  await nodes.call(nodeId, { id: spec.id, op: 'stop' }, spec.service.stop.graceMs + STOP_MARGIN_MS);
}

/**
 * Starts the instances beyond `local` on their nodes, all at once. One that fails stops the others it started
 * and fails the whole start: a set is all or nothing.
 */
export async function startSet(nodes: InstanceNodes, spec: DeploymentSpec, local: WorkloadRef): Promise<WorkloadRef[]> {
  const targets = placeExtras(nodes, spec);
  const results = await Promise.allSettled(targets.map((n) => startExtra(nodes, spec, n)));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed < 0) return [local, ...results.map((r) => (r as PromiseFulfilledResult<WorkloadRef>).value)];
  await Promise.allSettled(targets.map((n) => stopExtra(nodes, spec, n)));
  const reason = (results[failed] as PromiseRejectedResult).reason as Error;
  throw new Error(`instance on ${targets[failed]} failed to start: ${reason?.message ?? String(reason)}`);
}

/** Stops every instance of the set that is not this node's own (stopping a stopped one is a no-op). */
export async function stopExtras(
  nodes: InstanceNodes,
  spec: DeploymentSpec,
  instances: readonly WorkloadRef[],
): Promise<void> {
  const others = new Set(instances.filter((w) => isExtra(nodes, w)).map((w) => w.nodeId!));
  await Promise.allSettled([...others].map((n) => stopExtra(nodes, spec, n)));
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
      const why = await nodes
        .call(w.nodeId!, { id: spec.id, op: 'status' }, STATUS_TIMEOUT_MS)
        .then((r) => (r.running ? null : `instance on ${w.nodeId} exited`))
        .catch((e: Error) => `instance on ${w.nodeId} did not answer: ${e.message}`);
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
