// Context, events and effect contracts of the deployment statechart; nodes/ implements the effects against these types.
import type { Audit, NotifyTarget, ServiceConfig, Trigger, StageEntry, ReadinessAttempt, Runtime, ServiceType, MachineEvent } from '../../packages/protocol/index.js';

/** What a deployment is: fixed when it is created. Persisted with the actor, so effects can re-run after a restore. */
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
}

/** A running workload as its driver names it; `host:port` is where the edge dials it. */
export interface WorkloadRef {
  driver: Runtime;
  /** Driver-specific identity: `pid:starttime` for processes, the container id for Docker. */
  ref: string;
  host: string;
  port: number | null;
  nodeId: string | null;
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
  candidate: WorkloadRef | null;
  previous: PreviousRef | null;
  replacedBy: string | null;
  failureMessage: string | null;
  completedAt: string | null;
  activatedAt: string | null;
  restarts: number;
}

export interface DeploymentInput {
  spec: DeploymentSpec;
  trigger?: Trigger;
}

/** Events from outside the machine. Every one carries the time it happened. Their schema is the protocol's, so an
 * event that crossed NATS was validated against exactly this type. */
export type DeploymentEvent = MachineEvent;

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
export interface WorkloadInput {
  spec: DeploymentSpec;
  workload: WorkloadRef;
}
export interface SwitchInput extends WorkloadInput {
  /** Why this deployment is being promoted: the previous one is told whether a deploy or a rollback replaced it. */
  trigger: Trigger;
}
export interface ProbeInput {
  spec: DeploymentSpec;
  workload: WorkloadRef;
  /** Absolute deadline (ISO time): stable across restores, unlike a timer. */
  deadline: string;
}
export interface DeadlineInput {
  spec: DeploymentSpec;
  /** Absolute deadline (ISO time) held in context: the effect sends `readiness.deadline` once it has passed. */
  deadline: string;
}
export interface DrainInput {
  spec: DeploymentSpec;
  previous: PreviousRef;
}
export interface Done {
  at: string;
}
export interface StartedOutput extends Done {
  workload: WorkloadRef;
}
export interface SwitchedOutput extends Done {
  previous: PreviousRef | null;
}
export interface DrainedOutput extends Done {
  /** False when the drain timeout passed with requests still in flight. */
  drained: boolean;
}
