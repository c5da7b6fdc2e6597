// Which states have nothing to run: actors resting there are kept in KV only, not in memory.
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
