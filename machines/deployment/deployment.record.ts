// Pure projection of a machine snapshot onto the Deployment record users see.
import type { DeploymentRecord, Health, Stage, Status } from '../../packages/protocol/index.js';
import type { DeploymentContext } from './deployment.types.js';

/** A live snapshot or a persisted one: both have the state value and the context. */
export interface SnapshotLike {
  value: unknown;
  context: DeploymentContext;
}

type StateValue = string | { [key: string]: StateValue };

/** `{checking_readiness: 'probing'}` → `checking_readiness.probing`. */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key] = Object.keys(value);
  if (key === undefined) return '';
  const rest = statePath(value[key] as StateValue);
  return rest ? `${key}.${rest}` : key;
}

export function regionPaths(snapshot: SnapshotLike): { status: string; stage: string; health: string } {
  const v = snapshot.value as { status: StateValue; stage: StateValue; health: StateValue };
  return { status: statePath(v.status), stage: statePath(v.stage), health: statePath(v.health) };
}

/** True exactly while this deployment's workload is the one traffic goes to. */
export function servesTraffic(stagePath: string): boolean {
  return stagePath === 'draining_previous' || stagePath === 'active.serving';
}

export function toRecord(snapshot: SnapshotLike): DeploymentRecord {
  const state = regionPaths(snapshot);
  const c = snapshot.context;
  const s = c.spec;
  return {
    id: s.id,
    serviceName: s.serviceName,
    status: state.status as Status,
    health: state.health as Health,
    promotionStage: state.stage.split('.')[0] as Stage,
    isActive: servesTraffic(state.stage),
    routeUrl: s.routeUrl,
    failureMessage: state.status === 'failed' ? c.failureMessage : null,
    createdAt: s.createdAt,
    completedAt: state.status === 'succeeded' || state.status === 'failed' ? c.completedAt : null,
    environmentName: s.environmentName,
    nodeId: s.nodeId,
    trigger: c.trigger,
    serviceType: s.serviceType,
    runtime: s.runtime,
    sourceDigest: s.sourceDigest,
    fingerprint: s.fingerprint,
    previousId: c.previous?.id ?? null,
    replacedBy: c.replacedBy,
    activatedAt: c.activatedAt,
    stages: c.stages,
    readiness: c.readiness,
    state,
    updatedAt: c.clock,
    ...(s.audit ? { audit: s.audit } : {}),
  };
}
