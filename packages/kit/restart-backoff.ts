// Restart-with-backoff, written once: how long to wait before starting again what just exited, from how it ran.
import type { RestartPolicy } from './restart-policies.js';

/** Counts exits in a row; a run that lasted `policy.stableMs` starts the count over. */
export class RestartBackoff {
  private failures = 0;

  constructor(private readonly policy: RestartPolicy) {}

  /**
   * The delay before the next start after an exit. `startedAt` is when the run that ended began; null when the
   * start itself failed (never stable). Doubles from `firstMs` up to `maxMs`.
   */
  next(startedAt: number | null, now = Date.now()): number {
    const stable = startedAt !== null && now - startedAt >= this.policy.stableMs;
    if (stable && this.policy.atOnceAfterStable) {
      this.failures = 0;
      return 0;
    }
    this.failures = stable ? 1 : this.failures + 1;
    return Math.min(this.policy.maxMs, this.policy.firstMs * 2 ** (this.failures - 1));
  }

  /** Forget the exits so far: the next one is treated as the first of a new run. */
  reset(): void {
    this.failures = 0;
  }
}
