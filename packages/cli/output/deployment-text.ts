// Human renderings of deployment records: the status table and the inspect page.
import { requesterText, type Audit, type DeploymentRecord, type StatusRow } from '../../protocol/index.js';
import { formatTable } from './text-table.js';
import { shortTime } from './terminal-output.js';
import { terminalSafe } from './terminal-safe.js';

/** `3f9c2a1b0d4e` (12 of the commit's digits), `-dirty` when the directory had uncommitted changes, as `git describe --dirty`. */
export function commitText(git: Audit['git'] | undefined, digits = 12): string {
  return git ? `${git.commit.slice(0, digits)}${git.dirty ? '-dirty' : ''}` : '-';
}

/** `audit`: who asked and the commit, as columns (status --all: the history). */
export function statusTable(
  records: ReadonlyArray<StatusRow & Partial<Pick<DeploymentRecord, 'audit'>>>,
  opts: { audit?: boolean } = {},
): string {
  const header = [
    'SERVICE',
    'ENV',
    'ID',
    'STATUS',
    'STAGE',
    'HEALTH',
    'INSTANCES',
    'ACTIVE',
    'URL',
    'CREATED',
    'COMPLETED',
    ...(opts.audit ? ['BY', 'COMMIT'] : []),
  ];
  const rows = records.map((d) => [
    d.serviceName,
    d.environmentName,
    d.id,
    d.status,
    d.promotionStage,
    d.health,
    instancesText(d),
    d.isActive ? 'yes' : 'no',
    d.routeUrl ?? '-',
    shortTime(d.createdAt),
    shortTime(d.completedAt),
    ...(opts.audit ? [terminalSafe(requesterText(d.audit?.requestedBy)), commitText(d.audit?.git)] : []),
  ]);
  return formatTable(header, rows);
}

/** `ready/total`, e.g. `2/3`; records from before instances existed have one. */
export function instancesText(d: Pick<StatusRow, 'instances'>): string {
  return d.instances ? `${d.instances.ready}/${d.instances.total}` : '-';
}

function instanceLines(d: DeploymentRecord): string[] {
  const set = d.instances;
  if (!set) return [];
  const rows = set.list.map(
    (i) =>
      `  ${terminalSafe(`${i.nodeId ?? '-'}${i.slot ? ` #${i.slot}` : ''}`).padEnd(12)} ${terminalSafe(i.ref ?? '-').padEnd(24)} ${terminalSafe(`${i.host ?? '-'}:${i.port ?? '-'}`).padEnd(22)} ${i.state.padEnd(9)} ${i.restarts} restart${i.restarts === 1 ? '' : 's'}`,
  );
  return [
    '',
    `instances: ${set.ready}/${set.total} ready${set.note ? ` (${terminalSafe(set.note)})` : ''}`,
    ...(rows.length ? rows : ['  (none started)']),
  ];
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
    field(
      'previous',
      d.previousId && d.previousKeptUntil
        ? `${d.previousId} (kept running without traffic until ${d.previousKeptUntil})`
        : d.previousId,
    ),
    ...(d.keptUntil ? [field('kept', `running without traffic until ${d.keptUntil} (revert window)`)] : []),
    field('replaced by', d.replacedBy),
    field('updated', d.updatedAt),
    field('requested by', requesterText(d.audit?.requestedBy)),
    field('git', commitText(d.audit?.git, 40)),
    field('statechart', `status: ${d.state.status}  stage: ${d.state.stage}  health: ${d.state.health}`),
    '',
    'stages:',
    ...(d.stages.length === 0 ? ['  (none yet)'] : d.stages.map((s) => `  ${s.at}  ${s.stage.padEnd(19)} ${s.status}`)),
    '',
    `readiness: ${d.readiness.attempts} attempt${d.readiness.attempts === 1 ? '' : 's'}${d.readiness.recent.length ? ', most recent:' : ''}`,
    ...d.readiness.recent.map(
      (a) =>
        `  ${a.at}  ${a.ok ? 'ready    ' : 'not ready'}  ${String(Math.round(a.latencyMs)).padStart(5)} ms  ${terminalSafe(a.detail)}`,
    ),
    ...instanceLines(d),
  ];
  return lines.join('\n');
}
