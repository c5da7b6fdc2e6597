// Pure projection of a machine snapshot onto the Deployment record users see.
import type { DeploymentRecord, Health, InstanceSummary, Stage, Status } from '../../packages/protocol/index.js';
import { instancesOf, wantedInstances, type DeploymentContext } from './deployment.types.js';
import { isKept, isServing } from './deployment.tags.js';

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
    isActive: isServing(state.stage),
    routeUrl: s.routeUrl,
    // A rolled-back deployment says why when it was reverted automatically (a manual rollback leaves it null).
    failureMessage: state.status === 'failed' || state.stage === 'rolled_back' ? c.failureMessage : null,
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
    instances: instanceSummary(c, state.stage),
    keptUntil: state.stage === 'active.kept' ? (c.keptUntil ?? null) : null,
    previousKeptUntil: c.previousKeptUntil ?? null,
  };
}

/** `ready/total` and the list: instances count as ready once the set passed readiness, while they serve or are kept. */
export function instanceSummary(c: DeploymentContext, stagePath: string): InstanceSummary {
  const total = wantedInstances(c.spec);
  const set = instancesOf(c);
  const stage = stagePath.split('.')[0];
  // A kept previous set (keepPrevious) runs on, ready, without traffic: up, not down.
  const past = stagePath === 'switching_route.switching' || isServing(stagePath) || isKept(stagePath);
  const running = past || stage === 'checking_readiness' || stagePath === 'starting_candidate.starting';
  const nodes = new Set(set.map((w) => w.nodeId));
  const list = set.map((w) => ({
    nodeId: w.nodeId,
    slot: w.slot ?? 0,
    ref: w.ref,
    host: w.host,
    port: w.port,
    state: past ? ('ready' as const) : running ? ('starting' as const) : ('down' as const),
    // The owner's own instance (slot 0) counts in the context; the others carry their supervisor's count.
    restarts: (w.slot ?? 0) === 0 && w.nodeId === c.candidate?.nodeId ? c.restarts : (w.restarts ?? 0),
  }));
  const shared = set.length > nodes.size ? ', some sharing a node' : '';
  const note =
    set.length > 0 && nodes.size < total
      ? `${total} instances wanted, ${set.length} placed on ${nodes.size} distinct node(s)${shared}`
      : null;
  return { ready: past ? set.length : 0, total, note, list };
}
