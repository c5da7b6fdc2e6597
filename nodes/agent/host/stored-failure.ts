// A deployment whose actor cannot go on (its state cannot be stored, or its snapshot cannot be restored) is written as failed.
import { truncateText, type DeploymentRecord } from '../../../packages/protocol/index.js';
import type { DeploymentStore } from '../../../cluster/deployments/index.js';

/**
 * The record says failed with `message`; the snapshot is dropped (null), so no agent ever runs it again
 * (a restore validates the snapshot first and would fail it the same way).
 */
export async function storeFailure(
  store: DeploymentStore,
  id: string,
  message: string,
  owner: string | null,
): Promise<DeploymentRecord | null> {
  const stored = await store.get(id);
  if (!stored) return null;
  const at = new Date().toISOString();
  const before = stored.value.record;
  const record: DeploymentRecord = {
    ...before,
    status: 'failed',
    isActive: false,
    failureMessage: truncateText(message),
    completedAt: at,
    updatedAt: at,
    state: { ...before.state, status: 'failed' },
  };
  await store.update({ record, snapshot: null, owner }, stored.revision);
  return record;
}
