// Follows deployments through their entries in the deployments KV bucket until each one is terminal.
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, CompartmentError, DeploymentRecord, isTerminalStatus, keys } from '../../protocol/index.js';

export type WatchEvent =
  | { type: 'updated'; record: DeploymentRecord }
  | { type: 'gone'; id: string; serviceName: string };

/** The final record of each watched deployment, or null if its entry was deleted. */
export type WatchResult = Map<string, DeploymentRecord | null>;

/**
 * One watcher per deployment on its exact key (server 2.9 has no multi-key filters); a watch first
 * delivers the current value, so a deployment that finished before we looked is seen too.
 */
export async function watchUntilTerminal(
  nc: NatsConnection,
  deployments: readonly DeploymentRecord[],
  onEvent: (event: WatchEvent) => void,
  signal?: AbortSignal,
): Promise<WatchResult> {
  const result: WatchResult = new Map();
  const pending = deployments.filter((d) => !isTerminalStatus(d.status));
  for (const d of deployments) if (isTerminalStatus(d.status)) result.set(d.id, d);
  if (pending.length === 0) return result;

  const { Kvm } = await import('@nats-io/kv');
  let kv: Awaited<ReturnType<InstanceType<typeof Kvm>['open']>>;
  try {
    kv = await new Kvm(nc).open(BUCKETS.deployments);
  } catch (error) {
    throw new CompartmentError(
      'CLUSTER_UNAVAILABLE',
      `cannot open the deployments bucket: ${(error as Error).message}`,
    );
  }
  const watchers = await Promise.all(
    pending.map((d) => kv.watch({ key: keys.deployment(d.environmentName, d.serviceName, d.id) })),
  );
  const stopAll = () => {
    for (const w of watchers) w.stop();
  };
  signal?.addEventListener('abort', stopAll, { once: true });
  void nc.closed().then(stopAll);

  await Promise.all(
    pending.map(async (d, i) => {
      const watcher = watchers[i]!;
      for await (const entry of watcher) {
        if (entry.operation !== 'PUT') {
          result.set(d.id, null);
          onEvent({ type: 'gone', id: d.id, serviceName: d.serviceName });
          break;
        }
        const parsed = DeploymentRecord.safeParse((entry.json() as { record?: unknown } | null)?.record);
        if (!parsed.success) continue; // a value written by a newer or broken node: wait for the next one
        onEvent({ type: 'updated', record: parsed.data });
        if (isTerminalStatus(parsed.data.status)) {
          result.set(d.id, parsed.data);
          break;
        }
      }
      watcher.stop();
    }),
  );
  signal?.removeEventListener('abort', stopAll);
  if (!signal?.aborted && result.size < deployments.length) {
    throw new CompartmentError(
      'CLUSTER_UNAVAILABLE',
      'lost the connection to NATS before every deployment finished; check with `compartment status`',
    );
  }
  return result;
}
