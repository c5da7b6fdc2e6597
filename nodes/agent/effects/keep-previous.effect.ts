// keepPrevious: a replaced deployment's workload runs on without traffic until its replacer's revert window ends.
import type { KeptInput } from '../../../machines/deployment/index.js';
import { promiseEffect } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';

/** setTimeout's own limit (about 24.8 days); the window is at most 24 h, so one wait is enough. */
const MAX_WAIT_MS = 2_147_483_647;

/**
 * Waits until `until`, then stops this deployment's workload on every node. Aborted when the machine leaves
 * active.kept (a promotion adopts the workload instead); re-invoked with the same time after a restore.
 */
export function keepPreviousEffect(deps: EffectDeps) {
  return {
    stopKept: promiseEffect<KeptInput, object>(async ({ spec, until }, signal) => {
      const waitMs = Math.min(Math.max(0, Date.parse(until) - Date.now()), MAX_WAIT_MS);
      const ended = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), waitMs);
        const abort = () => {
          clearTimeout(timer);
          resolve(false);
        };
        signal.addEventListener('abort', abort, { once: true });
      });
      if (!ended) return {};
      deps.event(spec, `the revert window ended (${until}): stopping the kept workload`);
      await deps.stopDeployment(spec.id);
      return {};
    }),
  };
}
