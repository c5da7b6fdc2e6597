// Repeats readiness attempts every intervalMs (the first at once) until one passes, the deadline passes, or the caller aborts.
import type { ReadinessConfig } from '../protocol/index.js';
import { probeOnce } from './probe-once.js';
import type { ProbeAttempt, ProbeOutcome, ProbeTarget } from './probe.types.js';

export interface ProbeUntilOptions {
  readiness: Pick<ReadinessConfig, 'path' | 'tcp' | 'command' | 'attemptTimeoutMs' | 'intervalMs'>;
  target: ProbeTarget;
  /** Absolute, so that a probe re-run after an agent restart keeps the original deadline. */
  deadline: Date;
  onAttempt?: (attempt: ProbeAttempt) => void;
  signal?: AbortSignal;
}

/**
 * Attempts start `intervalMs` apart (start to start; a slow attempt is followed at once). No attempt
 * runs past the deadline: the last one is cut short to it. A deadline already past means no attempt.
 * The probe only reports; what to do about the outcome is its owner's business.
 */
export async function probeUntil(opts: ProbeUntilOptions): Promise<ProbeOutcome> {
  const { readiness, target, deadline, signal } = opts;
  const end = deadline.getTime();
  for (;;) {
    if (signal?.aborted) return 'aborted';
    const started = Date.now();
    if (started >= end) return 'timed_out';
    const timeoutMs = Math.min(readiness.attemptTimeoutMs, end - started);
    const attempt = await probeOnce(readiness, target, { signal, timeoutMs });
    if (signal?.aborted) return 'aborted';
    opts.onAttempt?.(attempt);
    if (attempt.ok) return 'passed';
    const next = started + readiness.intervalMs;
    // No attempt fits before the deadline: wait it out (the verdict belongs to the deadline, not earlier).
    if (next >= end) return (await sleepUntil(end, signal)) ? 'timed_out' : 'aborted';
    if (!(await sleepUntil(next, signal))) return 'aborted';
  }
}

/** Timers run on a monotonic clock and may wake a millisecond before Date.now() says so. */
async function sleepUntil(time: number, signal?: AbortSignal): Promise<boolean> {
  while (Date.now() < time) if (!(await sleep(time - Date.now(), signal))) return false;
  return !signal?.aborted;
}

/** False when aborted while sleeping. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
