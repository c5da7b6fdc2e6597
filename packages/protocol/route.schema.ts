// The desired route of one (environment, service): which deployment traffic goes to and where it is dialled.
import { z } from 'zod';
import { Name, DeploymentId } from './names.js';

export const Upstream = z.object({
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  nodeId: z.string().nullable(),
});
export type Upstream = z.output<typeof Upstream>;

export const RouteRecord = z.object({
  environmentName: Name,
  serviceName: Name,
  /** The edge port this route listens on; null for workers, which have no route but still one current deployment. */
  port: z.number().int().min(1).max(65535).nullable(),
  /** The deployment traffic goes to; null before the first switch. */
  deploymentId: DeploymentId.nullable(),
  upstreams: z.array(Upstream),
  /** The deployment this route took traffic from at the last switch (being drained, or drained). */
  previousId: DeploymentId.nullable(),
  updatedAt: z.iso.datetime(),
  /** Host names the edges serve this route under over HTTPS (absent: none). Set by deploy, kept by every switch. */
  domains: z.array(z.string()).optional(),
  /** When `domains` last changed: while a domain moves, the route that took it most recently serves it. */
  domainsAt: z.iso.datetime().optional(),
});
export type RouteRecord = z.output<typeof RouteRecord>;

/** Which (environment, service) owns an edge port: allocated once, stable for the life of the cluster. */
export const PortClaim = z.object({ environmentName: Name, serviceName: Name, claimedAt: z.iso.datetime() });
export type PortClaim = z.output<typeof PortClaim>;
