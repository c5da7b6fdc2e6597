// Pure retention rules: which releases stay on disk for rollback, which old records leave the history.
import type { DeploymentRecord } from '../../../packages/protocol/index.js';
import { isInFlight } from '../../../machines/deployment/index.js';

/** Releases worth keeping: everything in flight or serving, plus the `keep` most recently activated ones. */
export function releasesToKeep(records: DeploymentRecord[], keep: number): Set<string> {
  const kept = new Set(records.filter((r) => isInFlight(r) || r.isActive).map((r) => r.id));
  const activated = records
    .filter((r) => r.activatedAt !== null && r.promotionStage !== 'rolled_back')
    .sort((a, b) => b.activatedAt!.localeCompare(a.activatedAt!))
    .slice(0, keep);
  for (const r of activated) kept.add(r.id);
  return kept;
}

/** History beyond `keepRecords` per service, oldest first out; never a record whose release is kept, in flight or serving. */
export function recordsToPrune(
  records: DeploymentRecord[],
  keptReleases: ReadonlySet<string>,
  keepRecords: number,
): DeploymentRecord[] {
  return records
    .filter((r) => !keptReleases.has(r.id) && !isInFlight(r) && !r.isActive)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(Math.max(0, keepRecords - keptReleases.size));
}
