// Effects that move traffic: switch the route to the candidate, then drain and stop the previous workload.
import type { SwitchInput, DrainInput, SwitchedOutput, RevertInput } from '../../../machines/deployment/index.js';
import { now, promiseEffect } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';

export function routeEffects(deps: EffectDeps) {
  return {
    switchRoute: promiseEffect<SwitchInput, Omit<SwitchedOutput, 'at'>>(
      async ({ spec, instances, trigger, keepPreviousMs }) => {
        const { previous } = await deps.router.switchTo(spec, instances);
        deps.event(spec, previous ? `route switched from ${previous.id}` : 'route switched');
        if (!previous) return { previous };
        // The previous one stops being the active deployment now; its workload is drained and stopped next, or with
        // keepPrevious kept running until the revert window ends (its own machine stops it then).
        const at = now();
        const keepUntil = keepPreviousMs === null ? undefined : new Date(Date.parse(at) + keepPreviousMs).toISOString();
        await deps.deliver(previous.id, {
          type: 'deployment.replaced',
          at,
          by: spec.id,
          mode: trigger,
          ...(keepUntil ? { keepUntil } : {}),
        });
        return { previous, keptUntil: keepUntil ?? null };
      },
    ),
    /** Automatic revert: the leader's rollback plan promotes the previous deployment again, with its own trigger. */
    revertPrevious: promiseEffect<RevertInput, object>(async ({ spec, previous, reason }) => {
      deps.event(spec, `${reason}; rolling back (it took traffic from ${previous.id})`);
      const target = await deps.revert(spec);
      deps.event(spec, `reverting: ${target} is promoted again`);
      return {};
    }),
    drainPrevious: promiseEffect<DrainInput, { drained: boolean }>(async ({ spec, previous, keptUntil }) => {
      const result = await deps.router.drain(spec, previous, spec.service.drain.timeoutMs);
      if (keptUntil) {
        deps.event(
          spec,
          `previous ${previous.id} drained after ${result.waitedMs} ms; kept running without traffic until ${keptUntil}`,
        );
        return { drained: result.drained };
      }
      deps.event(
        spec,
        result.drained
          ? `previous ${previous.id} drained after ${result.waitedMs} ms`
          : `drain timeout after ${result.waitedMs} ms with ${result.inFlight} request(s) still in flight to ${previous.id}; stopping it`,
      );
      await deps.stopDeployment(previous.id);
      return { drained: result.drained };
    }),
  };
}
