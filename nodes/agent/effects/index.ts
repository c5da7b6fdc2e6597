// Fills the deployment machine's effect slots with the node agent's implementations.
import { deploymentMachine } from '../../../machines/deployment/index.js';
import type { EffectDeps } from './effect-deps.js';
import { workloadEffects } from './workload.effects.js';
import { readinessEffect } from './readiness.effect.js';
import { readinessDeadlineEffect } from './readiness-deadline.effect.js';
import { routeEffects } from './route.effects.js';
import { superviseEffect } from './supervise.effect.js';
import { keepPreviousEffect } from './keep-previous.effect.js';

export type { EffectDeps, Router } from './effect-deps.js';

export function provideEffects(deps: EffectDeps) {
  return deploymentMachine.provide({
    actors: {
      ...workloadEffects(deps),
      probeReadiness: readinessEffect(deps),
      readinessDeadline: readinessDeadlineEffect(),
      ...routeEffects(deps),
      superviseWorkload: superviseEffect(deps),
      ...keepPreviousEffect(deps),
    },
  });
}
