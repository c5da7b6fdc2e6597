// Which states have nothing to run: actors resting there are kept in KV only, not in memory; and which states only
// supervise: their actor sleeps (a record and its running supervision) until an event arrives for it.
const DORMANT = new Set([
  'building.halted',
  'starting_candidate.halted',
  'checking_readiness.halted',
  'switching_route.halted',
  'active.standby',
  'rolled_back',
]);

/** `stagePath` is the stage region's full path, e.g. `checking_readiness.halted`. */
export function isDormant(stagePath: string): boolean {
  return DORMANT.has(stagePath);
}

/** Serving with nothing in flight: only the supervision runs, which the host keeps while the actor sleeps. */
export function canSleep(stagePath: string): boolean {
  return stagePath === 'active.serving';
}
