// A statechart transition as node agents publish it for `inspect --watch` and the dashboard, and their journal's reply.
import { z } from 'zod';

export const RegionState = z.object({ status: z.string(), stage: z.string(), health: z.string() });
export type RegionState = z.output<typeof RegionState>;

/** One macrostep of one deployment actor: the event it took, the regions before and after, and when. */
export const TransitionReport = z.object({
  id: z.string(),
  /** 1, 2, 3… per deployment on the node that reports it: a watcher sees gaps and duplicates by it. */
  seq: z.number().int(),
  nodeId: z.string(),
  /** The external event (or effect result) the actor processed, e.g. `readiness.attempt`, `xstate.done.actor.build`. */
  event: z.string(),
  /** Events the machine raised while processing it (`status.running`, `health.healthy`), in order. */
  raised: z.array(z.string()).default([]),
  /** A short JSON-safe view of the event's payload (attempt detail, effect output, error text). */
  data: z.record(z.string(), z.unknown()).nullable().default(null),
  /** Null in a deployment's first report on a node (created here, or hosted from its stored snapshot). */
  before: RegionState.nullable(),
  after: RegionState,
  /** When the event happened (its own time when it carries one). */
  at: z.string(),
});
export type TransitionReport = z.output<typeof TransitionReport>;

/** A node's journal reply: its transitions of the deployment, or null when it has none (restarted, never hosted it). */
export const TransitionHistory = z.object({ id: z.string(), transitions: z.array(TransitionReport).nullable() });
export type TransitionHistory = z.output<typeof TransitionHistory>;
