// Valid DeploymentRecords for tests, with the fields a test cares about overridden.
import { DeploymentRecord, type DeploymentRecord as Record_ } from '../../packages/protocol/index.js';
import type { DeploymentIndex } from '../../nodes/agent/deployment-index.js';

let counter = 0;

export function makeRecord(overrides: Partial<Record_> = {}): Record_ {
  const now = new Date().toISOString();
  counter += 1;
  return DeploymentRecord.parse({
    id: `dep${String(counter).padStart(3, '0')}${Math.random().toString(36).slice(2, 8)}`,
    serviceName: 'web',
    status: 'queued',
    health: 'pending',
    promotionStage: 'building',
    isActive: false,
    routeUrl: null,
    failureMessage: null,
    createdAt: now,
    completedAt: null,
    environmentName: 'production',
    nodeId: 'node-1',
    trigger: 'deploy',
    serviceType: 'web',
    runtime: 'process',
    sourceDigest: `sha256-${'0'.repeat(64)}`,
    fingerprint: 'fp',
    previousId: null,
    replacedBy: null,
    activatedAt: null,
    stages: [{ stage: 'building', status: 'queued', at: now }],
    readiness: { attempts: 0, recent: [] },
    state: { status: 'queued', stage: 'building', health: 'pending' },
    updatedAt: now,
    ...overrides,
  });
}

/** The record after moving to `stage`/`status`, with the timeline and statechart value kept consistent. */
export function advance(r: Record_, change: Partial<Record_>): Record_ {
  const at = new Date().toISOString();
  const next = { ...r, ...change, updatedAt: at };
  if (change.promotionStage && change.promotionStage !== r.promotionStage) {
    next.stages = [...r.stages, { stage: change.promotionStage, status: next.status, at }];
  }
  next.state = { status: next.status, stage: next.promotionStage, health: next.health };
  return DeploymentRecord.parse(next);
}

/** Stores a record of deployment `id` (service web, production) into an agent's index at `revision`, as its KV watch would. */
export function putIndexed(
  index: DeploymentIndex,
  id: string,
  revision: number,
  overrides: Partial<Record_> = {},
): void {
  index.apply({
    type: 'put',
    key: `production.web.${id}`,
    revision,
    initial: false,
    value: { record: makeRecord({ id, ...overrides }), snapshot: null, owner: null } as never,
  });
}
