// Human renderings of deployment records: the status table and the inspect page.
import type { DeploymentRecord, StatusRow } from '../../protocol/index.js';
import { formatTable } from './text-table.js';
import { shortTime } from './terminal-output.js';
import { terminalSafe } from './terminal-safe.js';

export function statusTable(records: readonly StatusRow[]): string {
  const header = ['SERVICE', 'ENV', 'ID', 'STATUS', 'STAGE', 'HEALTH', 'ACTIVE', 'URL', 'CREATED', 'COMPLETED'];
  const rows = records.map((d) => [
    d.serviceName,
    d.environmentName,
    d.id,
    d.status,
    d.promotionStage,
    d.health,
    d.isActive ? 'yes' : 'no',
    d.routeUrl ?? '-',
    shortTime(d.createdAt),
    shortTime(d.completedAt),
  ]);
  return formatTable(header, rows);
}

export function inspectText(d: DeploymentRecord): string {
  const field = (label: string, value: string | null | undefined) => `${label.padEnd(14)}${terminalSafe(value ?? '-')}`;
  const lines = [
    field('id', d.id),
    field('service', `${d.serviceName} (${d.serviceType}, ${d.runtime})`),
    field('environment', d.environmentName),
    field('status', d.status),
    field('stage', d.promotionStage),
    field('health', d.health),
    field('active', d.isActive ? 'yes' : 'no'),
    field('url', d.routeUrl),
    field('failure', d.failureMessage),
    field('created', d.createdAt),
    field('completed', d.completedAt),
    field('activated', d.activatedAt),
    field('node', d.nodeId),
    field('trigger', d.trigger),
    field('source', d.sourceDigest),
    field('fingerprint', d.fingerprint),
    field('previous', d.previousId),
    field('replaced by', d.replacedBy),
    field('updated', d.updatedAt),
    field('statechart', `status: ${d.state.status}  stage: ${d.state.stage}  health: ${d.state.health}`),
    '',
    'stages:',
    ...(d.stages.length === 0 ? ['  (none yet)'] : d.stages.map((s) => `  ${s.at}  ${s.stage.padEnd(19)} ${s.status}`)),
    '',
    `readiness: ${d.readiness.attempts} attempt${d.readiness.attempts === 1 ? '' : 's'}${d.readiness.recent.length ? ', most recent:' : ''}`,
    ...d.readiness.recent.map((a) => `  ${a.at}  ${a.ok ? 'ready    ' : 'not ready'}  ${String(Math.round(a.latencyMs)).padStart(5)} ms  ${terminalSafe(a.detail)}`),
  ];
  return lines.join('\n');
}
