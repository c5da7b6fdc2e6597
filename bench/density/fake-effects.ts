// The node agent's real effect wiring with instant fakes underneath: no processes, no routes, every step succeeds at once.
import { ServiceConfig } from '../../packages/protocol/index.js';
import type { DeploymentSpec, WorkloadRef } from '../../machines/deployment/index.js';
import { provideEffects } from '../../nodes/agent/effects/index.js';
import { BuildSlots } from '../../nodes/agent/build-slots.js';
import type { WorkloadRuntime } from '../../nodes/agent/runtime/workload-runtime.js';

export const NODE_ID = 'bench-density';

const workloadOf = (spec: DeploymentSpec): WorkloadRef => ({
  driver: 'process',
  ref: `${spec.id}:1`,
  host: '127.0.0.1',
  port: 40_000,
  nodeId: NODE_ID,
});

/** A runtime whose workloads start instantly, never exit and stop at once. */
const runtime: WorkloadRuntime = {
  kind: 'process',
  build: async () => undefined,
  start: async (spec) => workloadOf(spec),
  watch: () => () => undefined,
  stop: async () => undefined,
  probeTarget: (_spec, w) => ({ host: w.host, port: w.port }),
  list: async () => [],
  stopOrphan: async () => undefined,
  prune: async () => undefined,
  close: async () => undefined,
};

/** The deployment machine as the node agent provides it, over the instant runtime and a router that just says yes. */
export function fastMachine() {
  return provideEffects({
    runtime: () => runtime,
    // As many slots as deployments: builds are instant, so queueing would only measure the queue.
    slots: new BuildSlots(100_000),
    router: {
      switchTo: async () => ({ previous: null }),
      setUpstreams: async () => true,
      drain: async () => ({ drained: true, inFlight: 0, waitedMs: 0 }),
    },
    nodes: {
      self: 'node-1',
      candidates: () => [],
      isLive: () => true,
      call: async () => ({ workload: null, running: false }),
    },
    deliver: async () => undefined,
    revert: async () => 'none',
    stopDeployment: async () => undefined,
    event: () => undefined,
    warn: (message, error) => console.error(message, error),
  });
}

const SERVICE = ServiceConfig.parse({ start: 'node server.js' });

/** A deployment of its own service (`svc-<n>`), so every one of them ends up active and hosted. */
export function specOf(n: number, now: number): DeploymentSpec {
  const id = `${now.toString(36).padStart(9, '0')}${n.toString(36).padStart(5, '0')}`;
  return {
    id,
    serviceName: `svc-${n}`,
    environmentName: 'production',
    serviceType: 'web',
    runtime: 'process',
    service: SERVICE,
    variables: { FEATURE: 'on' },
    sourceDigest: `sha256-${'a'.repeat(64)}`,
    fingerprint: `sha256-${'b'.repeat(64)}`,
    routeUrl: 'http://127.0.0.1:8100',
    createdAt: new Date(now).toISOString(),
    nodeId: NODE_ID,
  };
}
