// Lets API handlers ask an agent's runtimes, before anything is created, whether they can run workloads now (is there a Docker engine).
import type { Runtime } from '../../../packages/protocol/index.js';
import type { WorkloadRuntime } from './workload-runtime.js';

// Keyed by the agent's context object: the handlers hold it, and several agents may share a process (tests).
const runtimesOf = new WeakMap<object, ReadonlyMap<Runtime, WorkloadRuntime>>();

export function registerRuntimes(ctx: object, runtimes: ReadonlyMap<Runtime, WorkloadRuntime>): void {
  runtimesOf.set(ctx, runtimes);
}

/** Throws the first runtime's CompartmentError (e.g. DOCKER_UNAVAILABLE naming the socket) for a kind that cannot run now. */
export async function ensureAvailable(ctx: object, kind: Runtime): Promise<void> {
  await runtimesOf.get(ctx)?.get(kind)?.ensureAvailable?.();
}
