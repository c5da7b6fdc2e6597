// Persisted actor snapshots carry the machine version; before an agent runs one it checks version and context shape.
import { z } from 'zod';
import {
  DeploymentId,
  Name,
  ReadinessAttempt,
  Runtime,
  ServiceConfig,
  ServiceType,
  StageEntry,
  Trigger,
  formatZodError,
} from '../../../packages/protocol/index.js';
import {
  DEPLOYMENT_MACHINE_VERSION,
  RESTORABLE_MACHINE_VERSIONS,
  type DeploymentMachine,
} from '../../../machines/deployment/index.js';

const Time = z.iso.datetime();
const Workload = z.object({
  driver: Runtime,
  ref: z.string().min(1),
  host: z.string(),
  port: z.number().int().nullable(),
  nodeId: z.string().nullable(),
});

export const DeploymentContextSchema = z.object({
  spec: z.object({
    id: DeploymentId,
    serviceName: Name,
    environmentName: Name,
    serviceType: ServiceType,
    runtime: Runtime,
    service: ServiceConfig,
    variables: z.record(z.string(), z.string()),
    sourceDigest: z.string(),
    fingerprint: z.string(),
    routeUrl: z.string().nullable(),
    createdAt: Time,
    nodeId: z.string().nullable(),
    replaces: z.string().optional(),
    instances: z.number().int().min(1).optional(),
  }),
  trigger: Trigger,
  clock: Time,
  stageEnteredAt: Time,
  stages: z.array(StageEntry),
  readiness: z.object({ attempts: z.number().int().min(0), recent: z.array(ReadinessAttempt) }),
  candidate: Workload.nullable(),
  instances: z.array(Workload).optional(),
  previous: z.object({ id: DeploymentId, workload: Workload.nullable() }).nullable(),
  replacedBy: z.string().nullable(),
  failureMessage: z.string().nullable(),
  completedAt: Time.nullable(),
  activatedAt: Time.nullable(),
  restarts: z.number().int().min(0),
  probeFailure: z.string().nullable().optional(),
  revertReason: z.string().nullable().optional(),
});

const VersionedSnapshot = z.looseObject({
  /** Absent in snapshots written before versioning: version 1. */
  machineVersion: z.number().int().default(1),
  status: z.enum(['active', 'done', 'error', 'stopped']),
  value: z.record(z.string(), z.unknown()),
  context: z.unknown(),
});

/** The persisted snapshot with the version of the machine that wrote it. */
export function versioned(persisted: unknown): unknown {
  return { ...(persisted as object), machineVersion: DEPLOYMENT_MACHINE_VERSION };
}

export function persistSnapshot(actor: { getPersistedSnapshot(): unknown }): unknown {
  return versioned(actor.getPersistedSnapshot());
}

export function persistedOf(
  machine: DeploymentMachine,
  snapshot: Parameters<DeploymentMachine['getPersistedSnapshot']>[0],
): unknown {
  return versioned(machine.getPersistedSnapshot(snapshot));
}

export type SnapshotCheck = { ok: true } | { ok: false; message: string };

/** Whether this agent may run `snapshot`: written by this machine version, with a well-formed context. */
export function checkSnapshot(snapshot: unknown): SnapshotCheck {
  const shape = VersionedSnapshot.safeParse(snapshot);
  if (!shape.success) {
    return {
      ok: false,
      message: `its stored snapshot is malformed: ${formatZodError(shape.error, snapshot).split('\n')[0]}`,
    };
  }
  if (!RESTORABLE_MACHINE_VERSIONS.includes(shape.data.machineVersion)) {
    return {
      ok: false,
      message: `its stored snapshot is from machine version ${shape.data.machineVersion}; this agent runs version ${DEPLOYMENT_MACHINE_VERSION} and restores ${RESTORABLE_MACHINE_VERSIONS.join(', ')}`,
    };
  }
  const context = DeploymentContextSchema.safeParse(shape.data.context);
  if (!context.success)
    return {
      ok: false,
      message: `its stored snapshot has a malformed context: ${formatZodError(context.error, shape.data.context).split('\n')[0]}`,
    };
  return { ok: true };
}
