// The Deployment record: the spec's ten fields with their exact value sets, plus what inspect shows.
import { z } from 'zod';
import { Name, DeploymentId } from './names.js';
import { Audit } from './audit.schema.js';

export const STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export const STAGES = [
  'building',
  'starting_candidate',
  'checking_readiness',
  'switching_route',
  'draining_previous',
  'active',
  'rolled_back',
] as const;
export const HEALTHS = ['pending', 'healthy', 'unhealthy'] as const;
export const TRIGGERS = ['deploy', 'rollback', 'reschedule', 'auto_revert'] as const;

export const Status = z.enum(STATUSES);
export const Stage = z.enum(STAGES);
export const Health = z.enum(HEALTHS);
export const Trigger = z.enum(TRIGGERS);
export type Status = z.output<typeof Status>;
export type Stage = z.output<typeof Stage>;
export type Health = z.output<typeof Health>;
export type Trigger = z.output<typeof Trigger>;

const Time = z.iso.datetime();

export const StageEntry = z.object({ stage: Stage, status: Status, at: Time });
export const ReadinessAttempt = z.object({
  at: Time,
  ok: z.boolean(),
  /** What the probe saw, e.g. `GET /ready → 200 OK` or `connect ECONNREFUSED`. */
  detail: z.string(),
  latencyMs: z.number(),
});
export type StageEntry = z.output<typeof StageEntry>;
export type ReadinessAttempt = z.output<typeof ReadinessAttempt>;

/** One instance of a deployment's set, as `inspect` lists it. */
export const InstanceEntry = z.object({
  nodeId: z.string().nullable(),
  /** Which instance on its node (0: the owner's own); absent in records from before instances could share a node. */
  slot: z.number().int().optional(),
  /** `pid:starttime` of a process, or a container id; null until it started. */
  ref: z.string().nullable(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  state: z.enum(['starting', 'ready', 'down']),
  restarts: z.number().int(),
});
export type InstanceEntry = z.output<typeof InstanceEntry>;
export const InstanceSummary = z.object({
  /** Instances serving (or ready to) now, out of `total`: `status` shows them as `ready/total`. */
  ready: z.number().int(),
  total: z.number().int(),
  /** Why fewer distinct nodes than instances (some share a node, or fewer run), if so. */
  note: z.string().nullable(),
  list: z.array(InstanceEntry),
});
export type InstanceSummary = z.output<typeof InstanceSummary>;

export const DeploymentRecord = z.object({
  // The spec's ten fields.
  id: DeploymentId,
  serviceName: Name,
  status: Status,
  health: Health,
  promotionStage: Stage,
  isActive: z.boolean(),
  routeUrl: z.string().nullable(),
  failureMessage: z.string().nullable(),
  createdAt: Time,
  completedAt: Time.nullable(),
  // Where and why.
  environmentName: Name,
  nodeId: z.string().nullable(),
  trigger: Trigger,
  serviceType: z.enum(['web', 'api', 'worker']),
  runtime: z.enum(['process', 'docker']),
  /** Digest of the uploaded source tarball; the release this deployment runs. */
  sourceDigest: z.string(),
  /** Digest of source, config and variables: equal fingerprints mean an unchanged service. */
  fingerprint: z.string(),
  /** The deployment this one took traffic from when it switched, if any. */
  previousId: DeploymentId.nullable(),
  /** The newer deployment that replaced this one (superseded, or took over at a switch). */
  replacedBy: DeploymentId.nullable(),
  /** When this deployment last became the one serving traffic; rollback targets use it. */
  activatedAt: Time.nullable(),
  // Detail for inspect.
  stages: z.array(StageEntry),
  readiness: z.object({ attempts: z.number().int(), recent: z.array(ReadinessAttempt) }),
  /** The statechart's current value in each parallel region. */
  state: z.object({ status: z.string(), stage: z.string(), health: z.string() }),
  updatedAt: Time,
  /** Who asked and from which commit; absent in records written before it was recorded. */
  audit: Audit.optional(),
  /** The instance set (absent in records written before instances existed). */
  instances: InstanceSummary.optional(),
  /** Replaced, its workload kept running without traffic (keepPrevious) until this time; absent or null otherwise. */
  keptUntil: Time.nullable().optional(),
  /** The previous deployment's workload is kept running without traffic until this time (keepPrevious). */
  previousKeptUntil: Time.nullable().optional(),
});
export type DeploymentRecord = z.output<typeof DeploymentRecord>;

/** The spec's ten fields, in the spec's order. */
export const SPEC_FIELDS = [
  'id',
  'serviceName',
  'status',
  'health',
  'promotionStage',
  'isActive',
  'routeUrl',
  'failureMessage',
  'createdAt',
  'completedAt',
] as const satisfies ReadonlyArray<keyof DeploymentRecord>;

/** What `compartment status` prints of a deployment: the spec's ten fields and its environment (a twentieth of a record). */
const ROW_FIELDS = [...SPEC_FIELDS, 'environmentName'] as const;
type RowField = (typeof ROW_FIELDS)[number];

export const StatusRow = DeploymentRecord.pick(
  Object.fromEntries(ROW_FIELDS.map((k) => [k, true])) as { [K in RowField]: true },
).extend({ instances: z.object({ ready: z.number().int(), total: z.number().int() }).optional() });
export type StatusRow = z.output<typeof StatusRow>;

export function statusRowOf(r: DeploymentRecord): StatusRow {
  const row = Object.fromEntries(ROW_FIELDS.map((k) => [k, r[k]])) as Pick<DeploymentRecord, RowField>;
  return r.instances ? { ...row, instances: { ready: r.instances.ready, total: r.instances.total } } : row;
}

export function isTerminalStatus(status: Status): boolean {
  return status === 'succeeded' || status === 'failed';
}
