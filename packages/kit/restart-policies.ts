// Every restart policy in one place: which child is restarted how fast after it exits.

export interface RestartPolicy {
  /** Delay after the first exit of a run of exits; doubled after each further one. */
  firstMs: number;
  maxMs: number;
  /** A run that lasted this long was healthy: the next exit starts the backoff over. */
  stableMs: number;
  /** After a healthy run, restart without any delay (the first delay only applies to crash loops). */
  atOnceAfterStable?: boolean;
}

export const RESTART_POLICIES = {
  /** The edge's Caddy: the data plane, so back fast; a crash after a healthy run restarts at once. */
  caddy: { firstMs: 100, maxMs: 5_000, stableMs: 10_000, atOnceAfterStable: true },
  /** A deployment's workload, supervised by the agent (supervise.effect). */
  workload: { firstMs: 500, maxMs: 30_000, stableMs: 30_000 },
  /** `compartment node --edge`: the edge process beside an agent (edge-companion). */
  edgeCompanion: { firstMs: 500, maxMs: 30_000, stableMs: 30_000 },
  /** `compartment up`: NATS, agents and edges kept by the local supervisor (managed-child). */
  supervisorChild: { firstMs: 500, maxMs: 30_000, stableMs: 30_000 },
} as const satisfies Record<string, RestartPolicy>;
