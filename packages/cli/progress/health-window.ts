// `deploy --wait-healthy`: after the switch, follows each deployment through its automatic-revert window.
import type { DeploymentRecord } from '../../protocol/index.js';
import { followRecords, type ApiCaller } from '../../../cluster/client/index.js';

/** How long after the window's end a revert already under way is still waited for (its route switch takes a moment). */
const SETTLE_MS = 5_000;

/**
 * Resolves with the deployments that were reverted (rolled_back) before their window ended; the others kept serving.
 * `windowOf` is the service's autoRevert window (none: nothing to wait for).
 */
export async function waitRevertWindows(
  api: ApiCaller,
  records: readonly DeploymentRecord[],
  windowOf: (r: DeploymentRecord) => number | undefined,
  signal?: AbortSignal,
): Promise<DeploymentRecord[]> {
  const watched = records.filter((r) => r.status === 'succeeded' && r.activatedAt && windowOf(r) !== undefined);
  if (watched.length === 0) return [];
  const endsAt = new Map(watched.map((r) => [r.id, Date.parse(r.activatedAt!) + windowOf(r)! + SETTLE_MS]));
  const reverted: DeploymentRecord[] = [];
  const seen = new Set<string>();
  await followRecords(
    api,
    [...endsAt.keys()],
    ({ id, record }) => {
      if (record === null || Date.now() > endsAt.get(id)!) return true;
      // Reverted (or replaced by anything else): the window is over for it either way.
      if (record.promotionStage === 'rolled_back' && !seen.has(id)) {
        seen.add(id);
        reverted.push(record);
      }
      return !record.isActive && record.promotionStage !== 'draining_previous';
    },
    { until: Math.max(...endsAt.values()), ...(signal ? { signal } : {}) },
  );
  return reverted;
}
