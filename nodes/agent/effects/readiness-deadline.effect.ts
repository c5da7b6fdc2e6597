// The readiness deadline's timer: the machine holds the deadline, this effect only sends `readiness.deadline` once it passed.
import { fromCallback } from 'xstate';
import type { DeadlineInput, DeploymentEvent } from '../../../machines/deployment/index.js';
import { now } from './effect-kit.js';

/** Longest single setTimeout Node accepts; a longer wait is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function readinessDeadlineEffect() {
  return fromCallback<DeploymentEvent, DeadlineInput>(({ input, sendBack }) => {
    const deadline = Date.parse(input.deadline);
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const wait = deadline - Date.now();
      // Timers may fire a little early: re-arm until the clock agrees, so the machine's guard accepts the event.
      if (wait > 0) timer = setTimeout(arm, Math.min(Math.max(wait, 1), MAX_TIMER_MS));
      else sendBack({ type: 'readiness.deadline', at: now() });
    };
    arm();
    return () => clearTimeout(timer);
  });
}
