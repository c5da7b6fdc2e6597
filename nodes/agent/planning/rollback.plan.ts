// Pure planning of a rollback: the most recent previously-active deployment, never a rolled-back or failed one.
import type { DeploymentRecord } from '../../../packages/protocol/index.js';
import { isSupersedable } from './deploy.plan.js';

export type RollbackPlan =
  | { ok: true; target: DeploymentRecord; current: DeploymentRecord | null; supersedes: string[] }
  | { ok: false; reason: string };

/** A standby deployment: it was active, was replaced by a newer deploy, and its release is still kept. */
export function isRollbackCandidate(r: DeploymentRecord, keptReleases: ReadonlySet<string>): boolean {
  return (
    r.status === 'succeeded' &&
    r.promotionStage === 'active' &&
    !r.isActive &&
    r.activatedAt !== null &&
    keptReleases.has(r.id)
  );
}

/** `records` are one service's deployments in one environment. */
export function planRollback(
  records: DeploymentRecord[],
  keptReleases: ReadonlySet<string>,
  serviceName: string,
  environmentName: string,
): RollbackPlan {
  const current = records.find((r) => r.isActive) ?? null;
  const target = records
    .filter((r) => r.id !== current?.id && isRollbackCandidate(r, keptReleases))
    .sort((a, b) => b.activatedAt!.localeCompare(a.activatedAt!))[0];
  if (!target) {
    const why = records.some((r) => r.activatedAt !== null && r.id !== current?.id)
      ? 'every earlier active deployment was rolled back, failed or has had its release pruned'
      : 'it has had only one active deployment';
    return {
      ok: false,
      reason: `rollback is not available: ${serviceName} in ${environmentName} has no previously active deployment (${why})`,
    };
  }
  return { ok: true, target, current, supersedes: records.filter(isSupersedable).map((r) => r.id) };
}
