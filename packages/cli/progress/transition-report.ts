// The statechart transition a node agent publishes per macrostep, as the CLI reads it (the agent's TransitionReport).
import { z } from 'zod';

const RegionState = z.object({ status: z.string(), stage: z.string(), health: z.string() });

/** Mirrors nodes/agent/host/transition-journal.ts; parsed leniently (extra fields pass) so newer nodes still print. */
export const TransitionReport = z.object({
  id: z.string(),
  seq: z.number().int(),
  nodeId: z.string(),
  event: z.string(),
  raised: z.array(z.string()).default([]),
  data: z.record(z.string(), z.unknown()).nullable().default(null),
  before: RegionState.nullable(),
  after: RegionState,
  at: z.string(),
});
export type TransitionReport = z.output<typeof TransitionReport>;
export type RegionState = z.output<typeof RegionState>;

/** The node's journal reply: its transitions of the deployment, or null when it has none (restarted, never hosted it). */
export const TransitionHistory = z.object({ id: z.string(), transitions: z.array(TransitionReport).nullable() });

export function parseReport(data: Uint8Array): TransitionReport | null {
  try {
    const parsed = TransitionReport.safeParse(JSON.parse(new TextDecoder().decode(data)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const isTerminal = (state: RegionState) => state.status === 'succeeded' || state.status === 'failed';
