// The readiness probe effect: attempts until one passes or the absolute deadline passes; it only reports.
import { probeUntil } from '../../../packages/probes/index.js';
import { errorText, type ProbeInput } from '../../../machines/deployment/index.js';
import { callbackEffect, now } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';

export function readinessEffect(deps: EffectDeps) {
  return callbackEffect<ProbeInput>(deps.warn, 'probeReadiness', ({ spec, workload, deadline }, report) => {
    const readiness = spec.service.readiness;
    if (!readiness) return () => {};
    const abort = new AbortController();
    void probeUntil({
      readiness,
      target: deps.runtime(spec.runtime).probeTarget(spec, workload),
      deadline: new Date(deadline),
      signal: abort.signal,
      onAttempt: (a) => report({ type: 'readiness.attempt', ...a }),
    })
      .then((result) => {
        if (result === 'timed_out') report({ type: 'readiness.timed_out', at: now(), timeoutMs: readiness.timeoutMs });
      })
      .catch((error) => {
        // Shown as a failed attempt: the machine's own deadline then fails the deployment, naming it as the last one.
        deps.warn(`readiness probe of ${spec.id} failed`, error);
        report({ type: 'readiness.attempt', at: now(), ok: false, detail: `probe failed: ${errorText(error)}`, latencyMs: 0 });
      });
    return () => abort.abort();
  }, true);
}
