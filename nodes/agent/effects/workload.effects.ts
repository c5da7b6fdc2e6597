// Effects that build, start, watch and stop a deployment's own workload.
import {
  wantedInstances,
  type DeploymentSpec,
  type SpecInput,
  type StopInput,
  type WorkloadInput,
  type StartedOutput,
} from '../../../machines/deployment/index.js';
import { callbackEffect, now, promiseEffect } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';
import { withBuildTimeout, withReleaseTimeout } from './build-deadline.js';
import { startSet, stopExtras, watchExtras, whereOf } from './instance-set.js';

/** How often the owner asks a remote candidate whether it still runs while readiness is checked. */
const WATCH_EXTRAS_MS = 500;

export function workloadEffects(deps: EffectDeps) {
  const rt = (spec: DeploymentSpec) => deps.runtime(spec.runtime);
  return {
    buildSlot: callbackEffect<SpecInput>(deps.warn, 'buildSlot', (_input, report) =>
      deps.slots.request(() => report({ type: 'slot.granted', at: now() })),
    ),
    build: promiseEffect<SpecInput, object>(async ({ spec }, signal) => {
      await withBuildTimeout(spec, signal, (s) => rt(spec).build(spec, s));
      // The release phase: only here, on the owner, so once per deployment whatever the instance count; a rollback
      // promotes without this effect, so it never runs again.
      const release = rt(spec).release;
      if (spec.service.release && release)
        await withReleaseTimeout(spec, signal, (s) => release.call(rt(spec), spec, s));
      return {};
    }),
    // This node's instance, then the others on their nodes: the set is started whole or not at all.
    startCandidate: promiseEffect<SpecInput, Omit<StartedOutput, 'at'>>(async ({ spec }) => {
      const workload = await rt(spec).start(spec);
      if (wantedInstances(spec) === 1) return { workload };
      const instances = await startSet(deps.nodes, spec, workload);
      if (instances.length < wantedInstances(spec))
        deps.event(
          spec,
          `${wantedInstances(spec)} instances wanted, no live node offers ${spec.runtime} for the others`,
        );
      const distinct = new Set(instances.map((w) => w.nodeId)).size;
      if (distinct < instances.length)
        deps.event(
          spec,
          `${instances.length} instances on ${distinct} live node(s) offering ${spec.runtime}: some share a node`,
        );
      deps.event(
        spec,
        `instances started on ${instances.map((w) => `${whereOf(w)} (${w.host}:${w.port})`).join(', ')}`,
      );
      return { workload, instances };
    }),
    watchCandidate: callbackEffect<WorkloadInput>(deps.warn, 'watchCandidate', ({ spec, instances }, report) => {
      const unwatch = rt(spec).watch(spec, (exit) => report({ type: 'workload.exited', at: now(), ...exit }));
      const unwatchExtras = watchExtras(deps.nodes, spec, instances, WATCH_EXTRAS_MS, (_w, why) =>
        report({ type: 'workload.exited', at: now(), code: null, signal: null, lastError: why }),
      );
      return () => (unwatch(), unwatchExtras());
    }),
    stopCandidate: promiseEffect<StopInput, object>(async ({ spec, instances }) => {
      await Promise.all([rt(spec).stop(spec, spec.service.stop.graceMs), stopExtras(deps.nodes, spec, instances)]);
      return {};
    }),
  };
}
