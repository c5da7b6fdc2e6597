// Effects that build, start, watch and stop a deployment's own workload.
import type { DeploymentSpec, SpecInput, WorkloadInput, StartedOutput } from '../../../machines/deployment/index.js';
import { callbackEffect, now, promiseEffect } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';
import { withBuildTimeout } from './build-deadline.js';

export function workloadEffects(deps: EffectDeps) {
  const rt = (spec: DeploymentSpec) => deps.runtime(spec.runtime);
  return {
    buildSlot: callbackEffect<SpecInput>(deps.warn, 'buildSlot', (_input, report) =>
      deps.slots.request(() => report({ type: 'slot.granted', at: now() })),
    ),
    build: promiseEffect<SpecInput, object>(async ({ spec }, signal) => {
      await withBuildTimeout(spec, signal, (s) => rt(spec).build(spec, s));
      return {};
    }),
    startCandidate: promiseEffect<SpecInput, Omit<StartedOutput, 'at'>>(async ({ spec }) => ({ workload: await rt(spec).start(spec) })),
    watchCandidate: callbackEffect<WorkloadInput>(deps.warn, 'watchCandidate', ({ spec }, report) =>
      rt(spec).watch(spec, (exit) => report({ type: 'workload.exited', at: now(), ...exit })),
    ),
    stopCandidate: promiseEffect<SpecInput, object>(async ({ spec }) => {
      await rt(spec).stop(spec, spec.service.stop.graceMs);
      return {};
    }),
  };
}
