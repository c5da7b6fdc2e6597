// Fills the deployments bucket with history: copies of a real replaced deployment under other services.
import type { DeploymentStore, StoredDeployment } from '../../cluster/index.js';

/** Sortable, pattern-conforming ids (the node agent's shape: base-36 time, then a counter). */
const idOf = (base: number, n: number) => `${base.toString(36).padStart(9, '0')}${n.toString(36).padStart(5, '0')}`;

/**
 * A copy of a replaced (dormant) deployment: nothing runs for it, no node restores it, and node-loss handling
 * has nothing to re-place; it stays owned by the node that owns the template.
 */
function copy(
  template: StoredDeployment,
  patch: { id: string; env: string; service: string; createdAt: string },
): StoredDeployment {
  const value = structuredClone(template);
  Object.assign(value.record, {
    id: patch.id,
    environmentName: patch.env,
    serviceName: patch.service,
    createdAt: patch.createdAt,
  });
  const spec = (value.snapshot as { context?: { spec?: Record<string, unknown> } }).context?.spec;
  if (spec)
    Object.assign(spec, {
      id: patch.id,
      environmentName: patch.env,
      serviceName: patch.service,
      createdAt: patch.createdAt,
    });
  return value;
}

/**
 * `services × perService` copies of `replaced` in environment `env` (none active: an active copy would be a
 * service without a workload, which a cluster re-places). Written `concurrency` at a time.
 */
export async function seedRecords(
  store: DeploymentStore,
  replaced: StoredDeployment,
  o: { env: string; services: number; perService: number; concurrency?: number },
): Promise<number> {
  const base = Date.now();
  const values: StoredDeployment[] = [];
  for (let s = 0; s < o.services; s++) {
    const service = `svc-${String(s).padStart(2, '0')}`;
    for (let k = 0; k < o.perService; k++) {
      const createdAt = new Date(base - (o.perService - k) * 60_000).toISOString();
      values.push(copy(replaced, { id: idOf(base, s * o.perService + k), env: o.env, service, createdAt }));
    }
  }
  let next = 0;
  const worker = async () => {
    while (next < values.length) await store.create(values[next++]!);
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 32 }, worker));
  return values.length;
}
