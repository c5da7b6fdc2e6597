// Context, events and effect contracts of the deployment statechart; nodes/ implements the effects against these types.
import type {
  Audit,
  NotifyTarget,
  ServiceConfig,
  Trigger,
  StageEntry,
  ReadinessAttempt,
  Runtime,
  ServiceType,
  MachineEvent,
} from '../../packages/protocol/index.js';

/** What a deployment is: fixed when it is created. Persisted with the actor, so effects can re-run after a restore. */
/** The instance set of a context: old snapshots have only the candidate. */
export function instancesOf(context: Pick<DeploymentContext, 'candidate' | 'instances'>): WorkloadRef[] {
  return context.instances ?? (context.candidate ? [context.candidate] : []);
}

/** How many instances the spec asks for. */
export const wantedInstances = (spec: DeploymentSpec): number => spec.instances ?? 1;

export interface DeploymentSpec {
  id: string;
  serviceName: string;
  environmentName: string;
  serviceType: ServiceType;
  runtime: Runtime;
  service: ServiceConfig;
  /** Service variables merged over environment variables, secrets left out: this spec is persisted in every snapshot. */
  variables: Record<string, string>;
  /** Names of cluster-stored secrets the workload gets, read from the variables bucket each time it starts (absent in old specs). */
  secretRefs?: string[];
  sourceDigest: string;
  fingerprint: string;
  routeUrl: string | null;
  createdAt: string;
  nodeId: string | null;
  /** Who asked and from which git commit (absent in specs from before it was recorded). */
  audit?: Audit;
  /** Webhooks told about this deployment (absent when none). */
  notify?: NotifyTarget[];
  /** A re-placement (trigger reschedule) of this deployment: it switches only while the route still points there. */
  replaces?: string;
  /** How many instances the set has (`instances` resolved for the environment); absent in old specs: 1. */
  instances?: number;
}

/** A running workload as its driver names it; `host:port` is where the edge dials it. */
export interface WorkloadRef {
  driver: Runtime;
  /** Driver-specific identity: `pid:starttime` for processes, the container id for Docker. */
  ref: string;
  host: string;
  port: number | null;
  nodeId: string | null;
  /** Which of the set's instances on its node: 0 (or absent) is the owner's own; extras count from 1. */
  slot?: number;
  /** Restarts of this instance by its supervisor (the owner's own instance counts in `restarts`). */
  restarts?: number;
}

/** The deployment a switch took traffic from. */
export interface PreviousRef {
  id: string;
  workload: WorkloadRef | null;
}

export interface DeploymentContext {
  spec: DeploymentSpec;
  trigger: Trigger;
  /** Latest time seen on any event: the machine has no clock of its own. */
  clock: string;
  stageEnteredAt: string;
  stages: StageEntry[];
  readiness: { attempts: number; recent: ReadinessAttempt[] };
  /** This node's instance (the first of the set): the one the owner supervises itself. */
  candidate: WorkloadRef | null;
  /** The whole instance set, the candidate first; after the switch, the instances serving now. Absent in old snapshots. */
  instances?: WorkloadRef[];
  previous: PreviousRef | null;
  replacedBy: string | null;
  failureMessage: string | null;
  completedAt: string | null;
  activatedAt: string | null;
  restarts: number;
  /** The last failing health probe while the active set is failing its health check; null (or absent) while it passes. */
  probeFailure?: string | null;
  /** Why an automatic revert was started (the reverted deployment's failureMessage); absent when none was. */
  revertReason?: string | null;
  /** Replaced by a deploy with keepPrevious: this workload runs on without traffic until then (active.kept). */
  keptUntil?: string | null;
  /** This deployment's switch kept the previous one's workload running without traffic until then. */
  previousKeptUntil?: string | null;
}

export interface DeploymentInput {
  spec: DeploymentSpec;
  trigger?: Trigger;
}

/** Events from outside the machine. Every one carries the time it happened. Their schema is the protocol's, so an
 * event that crossed NATS was validated against exactly this type. */
export type DeploymentEvent = MachineEvent;

/**
 * What the chart's states say about a deployment (XState tags): planners ask these, never stage names.
 * - inFlight (status queued, running): still on its way to active; neither failed nor finished.
 * - preSwitch (building, starting_candidate, checking_readiness): no route points at it yet, a newer deploy may supersede it.
 * - switching (switching_route): its route is being written, so the route may name it before the record is active.
 * - handover (switching_route, draining_previous): traffic moves from its previous deployment, whose workload is still needed.
 * - serving (draining_previous, active.serving, active.reverting): its workload is the one traffic goes to.
 * - dormant (every halted, active.standby, rolled_back): nothing to run, so its actor rests in KV only.
 */
export type DeploymentTag =
  | 'inFlight'
  | 'preSwitch'
  | 'switching'
  | 'handover'
  | 'serving'
  | 'dormant'
  | 'kept'
  | 'sleepable';

/** Events the stage region raises so the status and health regions can react. */
export type RegionEvent =
  | { type: 'status.running' }
  | { type: 'status.succeeded' }
  | { type: 'status.failed' }
  | { type: 'health.pending' }
  | { type: 'health.healthy' }
  | { type: 'health.unhealthy' };

// ---- effect contracts (inputs and outputs of the named actor slots) ----

export interface SpecInput {
  spec: DeploymentSpec;
}
export interface StopInput extends SpecInput {
  /** The set to stop; this node's own instance is stopped in any case. */
  instances: WorkloadRef[];
}
export interface WorkloadInput {
  spec: DeploymentSpec;
  workload: WorkloadRef;
  /** The whole set, `workload` first (just `[workload]` for a single instance). */
  instances: WorkloadRef[];
}
export interface SwitchInput extends WorkloadInput {
  /** Why this deployment is being promoted: the previous one is told whether a deploy or a rollback replaced it. */
  trigger: Trigger;
  /** keepPrevious: how long the previous workload runs on without traffic (the revert window); null: stopped after draining. */
  keepPreviousMs: number | null;
}
export interface ProbeInput {
  spec: DeploymentSpec;
  workload: WorkloadRef;
  /** Every instance must pass: the attempt that reports `ok` is the one after which all have. */
  instances: WorkloadRef[];
  /** Absolute deadline (ISO time): stable across restores, unlike a timer. */
  deadline: string;
}
export interface DeadlineInput {
  spec: DeploymentSpec;
  /** Absolute deadline (ISO time) held in context: the effect sends `readiness.deadline` once it has passed. */
  deadline: string;
}
export interface RevertInput {
  spec: DeploymentSpec;
  /** The deployment the switch took traffic from: the one promoted again. */
  previous: PreviousRef;
  reason: string;
}
export interface DrainInput {
  spec: DeploymentSpec;
  previous: PreviousRef;
  /** Kept running until then (keepPrevious): drained, not stopped; its own machine stops it at that time. */
  keptUntil: string | null;
}
export interface KeptInput {
  spec: DeploymentSpec;
  /** When this kept workload is stopped (absolute, stable across restores). */
  until: string;
}
export interface Done {
  at: string;
}
export interface StartedOutput extends Done {
  workload: WorkloadRef;
  /** The whole set started, `workload` first; absent means `[workload]`. */
  instances?: WorkloadRef[];
}
export interface SwitchedOutput extends Done {
  previous: PreviousRef | null;
  /** The time the previous workload is kept running until (keepPrevious and there was a previous); absent: not kept. */
  keptUntil?: string | null;
}
export interface DrainedOutput extends Done {
  /** False when the drain timeout passed with requests still in flight. */
  drained: boolean;
}
