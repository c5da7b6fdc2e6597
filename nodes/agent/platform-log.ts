// The compartment stream's lines for a deployment, derived from how its record changed.
import type { DeploymentRecord, StageEntry } from '../../packages/protocol/index.js';

function entryLine(entry: StageEntry, record: DeploymentRecord): string {
  if (entry.status === 'failed') return `deployment failed: ${record.failureMessage ?? 'unknown reason'}`;
  if (entry.status === 'queued') return 'waiting for a build slot';
  if (entry.stage === 'active') return 'stage: active — deployment succeeded';
  if (entry.stage === 'rolled_back') return `stage: rolled_back — replaced by ${record.replacedBy ?? 'a rollback'}`;
  return `stage: ${entry.stage}`;
}

/** Lines to log when a deployment's record goes from `before` to `after` (`before` null: just created). */
export function platformLines(before: DeploymentRecord | null, after: DeploymentRecord): string[] {
  const lines: string[] = [];
  if (!before) {
    const why = after.trigger === 'deploy' ? '' : ` (${after.trigger})`;
    lines.push(`deployment ${after.id} created for service ${after.serviceName}${why}`);
  }
  // Readiness attempts come before the stage change the passing one causes, as in the spec's example.
  const newAttempts = after.readiness.attempts - (before?.readiness.attempts ?? 0);
  if (newAttempts > 0) for (const a of after.readiness.recent.slice(-newAttempts)) lines.push(a.detail);
  for (const entry of after.stages.slice(before?.stages.length ?? 0)) lines.push(entryLine(entry, after));
  if (before && before.health !== after.health && !(before.health === 'pending' && after.health === 'healthy')) {
    lines.push(`health: ${after.health}`);
  }
  if (before?.isActive && !after.isActive && after.promotionStage === 'active') {
    lines.push(`replaced by ${after.replacedBy ?? 'a newer deployment'}; kept for rollback`);
  }
  return lines;
}
