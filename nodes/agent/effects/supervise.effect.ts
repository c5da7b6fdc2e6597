// Keeps an active deployment's workload running and healthy: adopts or starts it, restarts it after a crash or failing health.
import { probeUntil } from '../../../packages/probes/index.js';
import { RESTART_POLICIES, RestartBackoff } from '../../../packages/kit/index.js';
import { errorText } from '../../../packages/protocol/index.js';
import type { WorkloadInput, WorkloadRef } from '../../../machines/deployment/index.js';
import { callbackEffect, now } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';
import { superviseExtras } from './extras.supervisor.js';
import { superviseHealth } from './health.supervisor.js';
import { isExtra } from './instance-set.js';

export function superviseEffect(deps: EffectDeps) {
  return callbackEffect<WorkloadInput>(deps.warn, 'superviseWorkload', ({ spec, workload, instances }, report) => {
    const rt = deps.runtime(spec.runtime);
    const abort = new AbortController();
    let unwatch = () => {};
    let timer: NodeJS.Timeout | undefined;
    const backoff = new RestartBackoff(RESTART_POLICIES.workload);
    let startedAt = Date.now();
    /** Between an exit and the restarted instance passing readiness: health probes would only repeat the crash. */
    let down = false;

    const retryLater = (delay: number) => {
      if (abort.signal.aborted) return;
      timer = setTimeout(() => void ensure(true), delay);
    };
    const watch = () => {
      unwatch = rt.watch(spec, (exit) => {
        if (abort.signal.aborted) return;
        const delay = backoff.next(startedAt);
        down = true;
        report({ type: 'workload.exited', at: now(), ...exit });
        deps.event(
          spec,
          `workload exited (${exit.signal ?? `code ${exit.code ?? 'unknown'}`}); restarting in ${delay} ms`,
        );
        retryLater(delay);
      });
    };
    const recovered = async (w: WorkloadRef) => {
      const readiness = spec.service.readiness;
      if (readiness) {
        const result = await probeUntil({
          readiness,
          target: rt.probeTarget(spec, w),
          deadline: new Date(Date.now() + readiness.timeoutMs),
          signal: abort.signal,
        });
        if (result !== 'passed') return;
      }
      report({ type: 'workload.recovered', at: now() });
    };
    /** Start is idempotent: right after a switch, or after an agent restart, it adopts the running workload. */
    const ensure = async (afterCrash: boolean) => {
      try {
        const w = await rt.start(spec, workload.port);
        if (abort.signal.aborted) return;
        startedAt = Date.now();
        watch();
        if (afterCrash || w.ref !== workload.ref) {
          report({ type: 'workload.restarted', at: now(), workload: w });
          await recovered(w);
        }
        down = false;
      } catch (error) {
        if (abort.signal.aborted) return;
        const delay = backoff.next(null);
        down = true;
        report({ type: 'workload.exited', at: now(), code: null, signal: null, lastError: errorText(error) });
        deps.event(spec, `workload could not be started: ${errorText(error)}; retrying in ${delay} ms`);
        retryLater(delay);
      }
    };
    void ensure(false);
    // A set of one (or a re-hosted old snapshot) has nothing remote to watch; otherwise the other nodes' instances.
    const many = instances.length > 1 || instances.length < (spec.instances ?? 1);
    const extras = many ? superviseExtras(deps, spec, instances, report, abort.signal) : null;
    superviseHealth(
      deps,
      spec,
      {
        current: () => extras?.current() ?? [workload],
        down: (w) => !isExtra(deps.nodes, w) && down,
        // Stopped, the instance is started again on its port by whoever supervises it: this effect's watch, or the extras check.
        restart: (w) =>
          extras && isExtra(deps.nodes, w) ? extras.restart(w) : rt.stop(spec, spec.service.stop.graceMs, 0),
      },
      report,
      abort.signal,
    );
    return () => {
      abort.abort();
      clearTimeout(timer);
      unwatch();
    };
  });
}
