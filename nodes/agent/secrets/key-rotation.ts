// Cluster key rotation: a new key seals every secret again; the old ones stay readable until the last value has moved.
import { newClusterKey } from '../../../cluster/secrets/index.js';
import type { AgentContext } from '../agent-context.js';

/** The part of the agent this module uses. */
export type KeyRotationPorts = Pick<AgentContext, 'keyRing' | 'variables'>;

export interface Rotation {
  keyId: string;
  previousKeyIds: string[];
  resealed: number;
  keyFile: string;
}

/**
 * 1. the key file gets the new key first and keeps the old ones (a crash anywhere below leaves every value readable,
 *    and running the rotation again finishes it); 2. the cluster records the new key id, so a node still on the old
 *    file stops sealing with it; 3. every secret is re-sealed; 4. the old keys leave the file.
 * Workloads are not touched: they hold their environment already, and their next start opens the re-sealed values.
 */
export async function rotateClusterKey(ctx: KeyRotationPorts): Promise<Rotation> {
  const ring = ctx.keyRing;
  const previous = ring.all();
  const next = newClusterKey();
  ring.write([next, ...previous]);
  await ctx.variables.marker.advance(next);
  const resealed = await ctx.variables.reseal();
  ring.write([next]);
  return { keyId: next.id, previousKeyIds: previous.map((k) => k.id), resealed, keyFile: ring.path };
}
