// The compare-and-swap loop, written once: read, decide, write at the read revision; a lost race reads again.
import { CompartmentError } from '../../packages/protocol/index.js';

const isConflict = (error: unknown) => error instanceof CompartmentError && error.code === 'CONFLICT';

/**
 * Runs `attempt` (one read and one compare-and-swap write) until it does not lose a race. Bounded: each CONFLICT
 * means another writer moved on; `attempts` lost in a row is reported as CONFLICT with `exhausted`, not spun on.
 */
export async function retryOnConflict<T>(attempts: number, exhausted: string, attempt: () => Promise<T>): Promise<T> {
  for (let lost = 0; lost < attempts; lost++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
  throw new CompartmentError('CONFLICT', exhausted);
}
