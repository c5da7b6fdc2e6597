// Retries work that failed because the cluster was briefly unreachable (a JetStream leader election takes seconds).
import { setTimeout as sleep } from 'node:timers/promises';
import { withBackoff, isTransient } from '../../cluster/retry/index.js';

export { withBackoff, isTransient };

/** Runs `work` until it succeeds, fails for another reason, or `withinMs` has passed; backoff 250 ms doubling to 2 s. */
export function retryTransient<T>(
  work: () => Promise<T>,
  withinMs = 60_000,
  onRetry?: (error: unknown) => void,
): Promise<T> {
  return withBackoff(() => work(), { withinMs, onRetry: onRetry && ((e) => onRetry(e)) });
}

/** Start-up only: a freshly formed JetStream cluster refuses everything until it has elected its leaders. */
export async function whenClusterAccepts<T>(
  work: () => Promise<T>,
  onRetry: (error: unknown) => void,
  withinMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      onRetry(error);
      await sleep(1_000);
    }
  }
}
