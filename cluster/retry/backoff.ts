// The one retry helper: work that failed for a transient reason is tried again with capped exponential backoff, within a bound.
import { setTimeout as sleep } from 'node:timers/promises';
import { CompartmentError } from '../../packages/protocol/index.js';

/** NATS briefly unreachable, or a request that timed out: worth trying again. Everything else is permanent. */
const TRANSIENT = new Set(['CLUSTER_UNAVAILABLE', 'TIMEOUT']);

export function isTransient(error: unknown): boolean {
  return error instanceof CompartmentError && TRANSIENT.has(error.code);
}

export interface BackoffOptions {
  /** Give up (rethrow the last error) once this much time has passed; Infinity retries for as long as it stays transient. */
  withinMs: number;
  /** First delay, doubled after each attempt up to `maxDelayMs`. */
  baseMs?: number;
  maxDelayMs?: number;
  /** Which errors are retried (default: isTransient). */
  retryable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number) => void;
  /** Stop retrying (rethrow) once this says so, e.g. the owner was closed. */
  cancelled?: () => boolean;
}

/** Runs `work` until it succeeds, fails permanently, is cancelled, or `withinMs` has passed. */
export async function withBackoff<T>(work: (attempt: number) => Promise<T>, o: BackoffOptions): Promise<T> {
  const deadline = Date.now() + o.withinMs;
  const retryable = o.retryable ?? isTransient;
  let delay = o.baseMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!retryable(error) || o.cancelled?.() || Date.now() + delay > deadline) throw error;
      o.onRetry?.(error, attempt);
      await sleep(delay);
      delay = Math.min(delay * 2, o.maxDelayMs ?? 2_000);
    }
  }
}
