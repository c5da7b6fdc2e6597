// What an edge reports when asked: the route revisions it serves and which deployments still have requests in flight.
import { z } from 'zod';
import { DeploymentId } from './names.js';

export const EdgeState = z.object({
  edgeId: z.string(),
  /** How long Caddy may keep a resolved upstream: a switch is served everywhere one refresh after the edge applied it. */
  refreshMs: z.number().int().min(0).max(10_000),
  routes: z.array(
    z.object({
      key: z.string(),
      port: z.number().int(),
      deploymentId: DeploymentId.nullable(),
      revision: z.number().int(),
    }),
  ),
  /** Deployments Caddy currently lists as upstreams with requests in flight. */
  inFlight: z.array(z.object({ deploymentId: DeploymentId, count: z.number().int() })),
  /**
   * Deployments no longer routed that Caddy may still pick from an earlier DNS answer, with how much longer at most
   * (a null id: whatever this edge's previous responder process answered). Read before `inFlight`: a deployment
   * absent here with none in flight is drained on this edge. Absent from edges that predate it.
   */
  retiring: z.array(z.object({ deploymentId: DeploymentId.nullable(), heldForMs: z.number().int().min(0) })).optional(),
  at: z.iso.datetime(),
  /** Domains this edge serves, with the certificate it holds for each: only when the request asked for certificates. */
  domains: z
    .array(
      z.object({
        domain: z.string(),
        key: z.string(),
        state: z.enum(['issued', 'pending']),
        issuer: z.string().optional(),
        notAfter: z.string().optional(),
      }),
    )
    .optional(),
  /** The shared HTTPS port of this edge, when it serves domains. */
  httpsPort: z.number().int().optional(),
});
export type EdgeState = z.output<typeof EdgeState>;
