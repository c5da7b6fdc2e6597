// A deployment whose actor cannot go on (its state cannot be stored, or its snapshot cannot be restored) is written as
// failed; and reading a stored deployment through a NATS outage.
import { truncateText, type DeploymentRecord } from '../../../packages/protocol/index.js';
import type { DeploymentStore, StoredDeployment } from '../../../cluster/deployments/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTransient } from '../../../cluster/retry/index.js';

const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 5_000;

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

/**
 * The stored deployment, retrying while NATS is unreachable (a sleeping deployment's event waits meanwhile; its
 * supervision goes on restarting the workload) for as long as `wanted` holds; null when absent or no longer wanted.
 */
export async function readStored(
  store: DeploymentStore,
  id: string,
  wanted: () => boolean,
  warn: (message: string, error?: unknown) => void,
): Promise<{ revision: number; value: StoredDeployment } | null> {
  for (let attempt = 1, delay = RETRY_BASE_MS; ; attempt++, delay = Math.min(delay * 2, RETRY_MAX_MS)) {
    try {
      return await store.get(id);
    } catch (error) {
      if (!isTransient(error)) throw error;
      warn(`could not read deployment ${id} (attempt ${attempt}); retrying`, error);
      await sleep(delay);
      if (!wanted()) return null;
    }
  }
}
