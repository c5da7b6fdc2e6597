// `deploy --wait-healthy`: after the switch, follows each deployment through its automatic-revert window.
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, CompartmentError, DeploymentRecord, keys } from '../../protocol/index.js';

/** How long after the window's end a revert already under way is still waited for (its route switch takes a moment). */
const SETTLE_MS = 5_000;

/**
 * Resolves with the deployments that were reverted (rolled_back) before their window ended; the others kept serving.
 * `windowOf` is the service's autoRevert window (none: nothing to wait for).
 */
export async function waitRevertWindows(
  nc: NatsConnection,
  records: readonly DeploymentRecord[],
  windowOf: (r: DeploymentRecord) => number | undefined,
  signal?: AbortSignal,
): Promise<DeploymentRecord[]> {
  const watched = records.filter((r) => r.status === 'succeeded' && r.activatedAt && windowOf(r) !== undefined);
  if (watched.length === 0) return [];
  const { Kvm } = await import('@nats-io/kv');
  const kv = await new Kvm(nc).open(BUCKETS.deployments).catch((e: Error) => {
    throw new CompartmentError('CLUSTER_UNAVAILABLE', `cannot open the deployments bucket: ${e.message}`);
  });
  const reverted: DeploymentRecord[] = [];
  await Promise.all(
    watched.map(async (r) => {
      const watcher = await kv.watch({ key: keys.deployment(r.environmentName, r.serviceName, r.id) });
      const ends = Date.parse(r.activatedAt!) + windowOf(r)! + SETTLE_MS;
      const timer = setTimeout(() => watcher.stop(), Math.max(0, ends - Date.now()));
      const stop = () => watcher.stop();
      signal?.addEventListener('abort', stop, { once: true });
      for await (const entry of watcher) {
        if (entry.operation !== 'PUT') break;
        const parsed = DeploymentRecord.safeParse((entry.json() as { record?: unknown } | null)?.record);
        if (!parsed.success) continue;
        // Reverted (or replaced by anything else): the window is over for it either way.
        if (parsed.data.promotionStage === 'rolled_back') reverted.push(parsed.data);
        if (!parsed.data.isActive && parsed.data.promotionStage !== 'draining_previous') break;
      }
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      watcher.stop();
    }),
  );
  return reverted;
}
