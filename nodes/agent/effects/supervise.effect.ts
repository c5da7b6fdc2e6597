// Keeps an active deployment's workload running and healthy: adopts or starts it, restarts it after a crash or failing health.
import { probeUntil } from '../../../packages/probes/index.js';
import type { WorkloadInput, WorkloadRef } from '../../../machines/deployment/index.js';
import { callbackEffect, now } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';
import { superviseExtras } from './extras.supervisor.js';
import { superviseHealth } from './health.supervisor.js';
import { isExtra } from './instance-set.js';

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** A workload that stays up this long has its backoff reset. */
const STABLE_MS = 30_000;

export function superviseEffect(deps: EffectDeps) {
  return callbackEffect<WorkloadInput>(deps.warn, 'superviseWorkload', ({ spec, workload, instances }, report) => {
    const rt = deps.runtime(spec.runtime);
    const abort = new AbortController();
    let unwatch = () => {};
    let timer: NodeJS.Timeout | undefined;
    let backoff = FIRST_BACKOFF_MS;
    let startedAt = Date.now();
    /** Between an exit and the restarted instance passing readiness: health probes would only repeat the crash. */
    let down = false;

    const retryLater = () => {
      if (abort.signal.aborted) return;
      timer = setTimeout(() => void ensure(true), backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    };
    const watch = () => {
      unwatch = rt.watch(spec, (exit) => {
        if (abort.signal.aborted) return;
        if (Date.now() - startedAt > STABLE_MS) backoff = FIRST_BACKOFF_MS;
        down = true;
        report({ type: 'workload.exited', at: now(), ...exit });
        deps.event(
          spec,
          `workload exited (${exit.signal ?? `code ${exit.code ?? 'unknown'}`}); restarting in ${backoff} ms`,
        );
        retryLater();
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
        down = true;
        report({
          type: 'workload.exited',
          at: now(),
          code: null,
          signal: null,
          lastError: error instanceof Error ? error.message : String(error),
        });
        deps.event(
          spec,
          `workload could not be started: ${error instanceof Error ? error.message : String(error)}; retrying in ${backoff} ms`,
        );
        retryLater();
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
