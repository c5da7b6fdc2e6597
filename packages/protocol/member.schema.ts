// Heartbeats of the cluster's members: node agents (what they can run, how busy they are) and edges.
import { z } from 'zod';

export const NodeBeat = z.object({
  id: z.string(),
  /** Where other machines reach this node's workloads. */
  address: z.string(),
  pid: z.number().int(),
  runtimes: z.array(z.enum(['process', 'docker'])),
  capacity: z.object({ buildSlots: z.number().int() }),
  load: z.object({ deployments: z.number().int(), builds: z.number().int() }),
  edge: z.boolean(),
  startedAt: z.iso.datetime(),
  /** Where Prometheus scrapes this agent (absent when it serves no metrics, or from an older agent). */
  metricsUrl: z.string().optional(),
});
export type NodeBeat = z.output<typeof NodeBeat>;

export const EdgeBeat = z.object({
  id: z.string(),
  listenHost: z.string(),
  routePorts: z.tuple([z.number().int(), z.number().int()]),
  startedAt: z.iso.datetime(),
  /** Where Prometheus scrapes this edge: Caddy's per-route metrics labelled by environment and service. */
  metricsUrl: z.string().optional(),
});
export type EdgeBeat = z.output<typeof EdgeBeat>;

/** What the members bucket remembers about a node after its heartbeat is gone. */
export const MemberRecord = z.object({
  node: NodeBeat,
  state: z.enum(['alive', 'lost']),
  /** When the leader declared it lost. */
  lostAt: z.iso.datetime().nullable(),
});
export type MemberRecord = z.output<typeof MemberRecord>;
