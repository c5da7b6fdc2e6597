// Test fixtures for the deployment machine: specs, a fixed clock, and the catalogue of events a path may take.
import { ServiceConfig, type ServiceConfigInput } from '../../../packages/protocol/index.js';
import type { DeploymentSpec, WorkloadRef, PreviousRef } from '../deployment.types.js';

export const T0 = '2026-01-01T00:00:00.000Z';
export const T1 = '2026-01-01T00:00:01.000Z';
/** T1 + the 5 s readiness timeout of withReadiness(): the readiness deadline of a candidate started at T1. */
export const T_DEADLINE = '2026-01-01T00:00:06.000Z';

export function makeSpec(service: ServiceConfigInput = {}, overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    id: 'dep000001',
    serviceName: 'web',
    environmentName: 'production',
    serviceType: 'web',
    runtime: 'process',
    service: ServiceConfig.parse({ start: 'node server.js', ...service }),
    variables: { FEATURE: 'on' },
    sourceDigest: `sha256-${'a'.repeat(64)}`,
    fingerprint: `sha256-${'b'.repeat(64)}`,
    routeUrl: 'http://127.0.0.1:8101',
    createdAt: T0,
    nodeId: 'node-a',
    ...overrides,
  };
}

export const withReadiness = () => makeSpec({ readiness: { path: '/ready', timeoutMs: 5_000 } });
export const withoutReadiness = () => makeSpec();
/** Reverts on its own within a minute of its switch (the fixtures' events all happen at the switch's own time). */
export const withAutoRevert = () =>
  makeSpec({ readiness: { path: '/ready', timeoutMs: 5_000 }, autoRevert: { windowMs: 60_000 } });
/** Reverts within a minute and keeps the previous workload running for that minute (keepPrevious). */
export const withKeepPrevious = () =>
  makeSpec({ readiness: { path: '/ready', timeoutMs: 5_000 }, autoRevert: { windowMs: 60_000, keepPrevious: true } });
/** When a deploy with keepPrevious at T1 stops the workload it replaced: T1 + its 60 s window. */
export const T_KEPT = '2026-01-01T00:01:01.000Z';
/** A set of two: the fixtures' start yields only this node's instance, so the set is short until `instances.serving` fills it. */
export const withInstances = () =>
  makeSpec({ readiness: { path: '/ready', timeoutMs: 5_000 }, instances: 2 }, { instances: 2 });

export const workload: WorkloadRef = {
  driver: 'process',
  ref: '4242:99',
  host: '127.0.0.1',
  port: 40001,
  nodeId: 'node-a',
};
export const otherInstance: WorkloadRef = {
  driver: 'process',
  ref: '5151:77',
  host: '127.0.0.2',
  port: 40002,
  nodeId: 'node-b',
};
export const previous: PreviousRef = {
  id: 'dep000000',
  workload: { driver: 'process', ref: '4100:98', host: '127.0.0.1', port: 40000, nodeId: 'node-a' },
};

const done = (id: string, output: object) => ({ type: `xstate.done.actor.${id}`, output: { at: T1, ...output } });
const error = (id: string, message: string) => ({
  type: `xstate.error.actor.${id}`,
  error: Object.assign(new Error(message), { at: T1 }),
});

/** Every event the machine can meet: the ones the outside sends, and the results of its effects. */
export function eventCatalogue(): Array<{ type: string } & Record<string, unknown>> {
  return [
    { type: 'slot.granted', at: T1 },
    done('build', {}),
    error('build', 'npm ERR! missing script: build'),
    done('startCandidate', { workload }),
    error('startCandidate', 'port 40001 already in use'),
    { type: 'readiness.attempt', at: T1, ok: false, detail: 'GET /ready → 503 Service Unavailable', latencyMs: 3 },
    { type: 'readiness.attempt', at: T1, ok: true, detail: 'GET /ready → 200 OK', latencyMs: 2 },
    { type: 'readiness.timed_out', at: T1, timeoutMs: 5_000 },
    // Early (a timer that fired before the deadline): ignored. At the deadline: failed.
    { type: 'readiness.deadline', at: T1 },
    { type: 'readiness.deadline', at: T_DEADLINE },
    error('probeReadiness', 'probe threw: invalid path'),
    { type: 'workload.exited', at: T1, code: 1, signal: null, lastError: 'Error: boom' },
    { type: 'workload.restarted', at: T1, workload: { ...workload, ref: '4300:100' } },
    { type: 'workload.recovered', at: T1 },
    { type: 'instances.serving', at: T1, instances: [workload] },
    { type: 'instances.serving', at: T1, instances: [workload, otherInstance] },
    done('stopCandidate', {}),
    error('stopCandidate', 'kill EPERM'),
    done('switchRoute', { previous }),
    done('switchRoute', { previous: null }),
    error('switchRoute', 'route store unavailable'),
    done('drainPrevious', { drained: true }),
    error('drainPrevious', 'edge did not answer'),
    { type: 'deployment.superseded', at: T1, by: 'dep000002' },
    { type: 'deployment.replaced', at: T1, by: 'dep000002', mode: 'deploy' },
    { type: 'deployment.replaced', at: T1, by: 'dep000002', mode: 'rollback' },
    { type: 'deployment.replaced', at: T1, by: 'dep000002', mode: 'deploy', keepUntil: T_KEPT },
    done('stopKept', {}),
    error('stopKept', 'kill EPERM'),
    { type: 'deployment.promote', at: T1, trigger: 'rollback' },
    { type: 'deployment.scale', at: T1, instances: 3 },
    { type: 'health.failed', at: T1, detail: 'GET /health → 500 Internal Server Error', nodeId: 'node-a' },
    { type: 'health.passed', at: T1 },
    done('revertPrevious', {}),
    error('revertPrevious', 'dep000000 is not on a live node'),
    { type: 'deployment.replaced', at: T1, by: 'dep000000', mode: 'auto_revert' },
    { type: 'node.lost', at: T1, nodeId: 'node-a', reason: 'lost' },
  ];
}
