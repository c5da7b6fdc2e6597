// The shape of a persisted deployment actor as machines/ reads it back: the envelope with its machine version, the context.
import { z } from 'zod';
import { DeploymentId, Name } from './names.js';
import { ReadinessAttempt, StageEntry, Trigger } from './deployment.schema.js';
import { Runtime, ServiceConfig, ServiceType } from './config.schema.js';

const Time = z.iso.datetime();
const Workload = z.object({
  driver: Runtime,
  ref: z.string().min(1),
  host: z.string(),
  port: z.number().int().nullable(),
  nodeId: z.string().nullable(),
});

/** What the machine reads of its context; fields it does not name (audit, notify, secretRefs) are checked by their users. */
export const StoredDeploymentContext = z.object({
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
export type StoredDeploymentContext = z.output<typeof StoredDeploymentContext>;

/** XState's persisted snapshot plus the version of the machine that wrote it. */
export const StoredDeploymentSnapshot = z.looseObject({
  /** Absent in snapshots written before versioning: version 1. */
  machineVersion: z.number().int().default(1),
  status: z.enum(['active', 'done', 'error', 'stopped']),
  value: z.record(z.string(), z.unknown()),
  context: z.unknown(),
});
