// The readiness probe effect: every instance of the set is probed until it passes or the absolute deadline passes; it only reports.
import { probeUntil } from '../../../packages/probes/index.js';
import { errorText, type ProbeInput, type WorkloadRef } from '../../../machines/deployment/index.js';
import { callbackEffect, now } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';

export function readinessEffect(deps: EffectDeps) {
  return callbackEffect<ProbeInput>(
    deps.warn,
    'probeReadiness',
    ({ spec, workload, instances, deadline }, report) => {
      const readiness = spec.service.readiness;
      if (!readiness) return () => {};
      const abort = new AbortController();
      const set = instances.length > 0 ? instances : [workload];
      const many = set.length > 1;
      const passed = new Set<number>();
      let timedOut = false;
      const probe = (w: WorkloadRef, i: number) =>
        probeUntil({
          readiness,
          target: deps.runtime(spec.runtime).probeTarget(spec, w),
          deadline: new Date(deadline),
          signal: abort.signal,
          onAttempt: (a) => {
            const detail = many ? `${w.nodeId ?? 'instance'}: ${a.detail}` : a.detail;
            if (!a.ok) return report({ type: 'readiness.attempt', ...a, detail });
            // One passing instance is not a ready set: the attempt that passes is the one completing it.
            passed.add(i);
            if (passed.size === set.length)
              report({
                type: 'readiness.attempt',
                ...a,
                detail: many ? `all ${set.length} instances ready; last ${detail}` : detail,
              });
          },
        })
          .then((result) => {
            if (result === 'timed_out' && !timedOut) {
              timedOut = true;
              report({ type: 'readiness.timed_out', at: now(), timeoutMs: readiness.timeoutMs });
            }
          })
          .catch((error) => {
            // Shown as a failed attempt: the machine's own deadline then fails the deployment, naming it as the last one.
            deps.warn(`readiness probe of ${spec.id} failed`, error);
            report({
              type: 'readiness.attempt',
              at: now(),
              ok: false,
              detail: `probe failed: ${errorText(error)}`,
              latencyMs: 0,
            });
          });
      set.forEach((w, i) => void probe(w, i));
      return () => abort.abort();
    },
    true,
  );
}
