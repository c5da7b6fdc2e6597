// The deployment statechart's external events as they travel between nodes: validated, never cast.
import { z } from 'zod';
import { ReadinessAttempt, Trigger } from './deployment.schema.js';
import { Runtime } from './config.schema.js';
import { MAX_INSTANCES } from './limits.js';

const At = z.iso.datetime();
const Text = z.string().max(8 * 1024);

export const WorkloadRefSchema = z.strictObject({
  driver: Runtime,
  ref: z.string().min(1).max(256),
  host: z.string().min(1).max(256),
  port: z.number().int().min(1).max(65535).nullable(),
  nodeId: z.string().max(128).nullable(),
  /** Which of the set's instances on its node: 0 (or absent) is the owner's own; extras count from 1. */
  slot: z.number().int().min(0).max(MAX_INSTANCES).optional(),
  /** Restarts of this instance by its supervisor (the owner's own instance counts in the context's `restarts`). */
  restarts: z.number().int().min(0).optional(),
});

/** One member per event type; `machines/` asserts at compile time that its DeploymentEvent is exactly this. */
export const MachineEvent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('slot.granted'), at: At }),
  ReadinessAttempt.extend({ type: z.literal('readiness.attempt'), detail: Text }).strict(),
  z.strictObject({ type: z.literal('readiness.timed_out'), at: At, timeoutMs: z.number().int().min(0) }),
  /** Sent by the readinessDeadline effect at (or after) the deadline; the machine checks `at` against its own deadline. */
  z.strictObject({ type: z.literal('readiness.deadline'), at: At }),
  z.strictObject({
    type: z.literal('workload.exited'),
    at: At,
    code: z.number().int().nullable(),
    signal: z.string().max(32).nullable(),
    lastError: Text.nullable(),
  }),
  z.strictObject({ type: z.literal('workload.restarted'), at: At, workload: WorkloadRefSchema }),
  z.strictObject({ type: z.literal('workload.recovered'), at: At }),
  z.strictObject({ type: z.literal('deployment.superseded'), at: At, by: z.string().max(64) }),
  /** `keepUntil`: the replacing deploy keeps this one's workload running without traffic until then (keepPrevious). */
  z.strictObject({
    type: z.literal('deployment.replaced'),
    at: At,
    by: z.string().max(64),
    mode: Trigger,
    keepUntil: At.optional(),
  }),
  z.strictObject({ type: z.literal('deployment.promote'), at: At, trigger: Trigger }),
  /** The instances of the set that serve now (after a crash, a lost node, a re-placement): health follows their count. */
  z.strictObject({
    type: z.literal('instances.serving'),
    at: At,
    instances: z.array(WorkloadRefSchema).max(MAX_INSTANCES),
  }),
  /** `scale`: the active deployment's set grows or shrinks to this many instances. */
  z.strictObject({
    type: z.literal('deployment.scale'),
    at: At,
    instances: z.number().int().min(1).max(MAX_INSTANCES),
  }),
  /** An instance of the active set failed its health check `failureThreshold` times in a row (detail: the last probe). */
  z.strictObject({ type: z.literal('health.failed'), at: At, detail: Text, nodeId: z.string().max(128).nullable() }),
  /** Every instance of the active set passes its health check again. */
  z.strictObject({ type: z.literal('health.passed'), at: At }),
  z.strictObject({
    type: z.literal('node.lost'),
    at: At,
    nodeId: z.string().max(128),
    reason: z.enum(['lost', 'stopped']),
  }),
]);
export type MachineEvent = z.output<typeof MachineEvent>;
