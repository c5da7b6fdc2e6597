// What one deployment key holds: the spec-facing record, the actor's persisted snapshot, and the node that owns it.
import { z } from 'zod';
import { DeploymentRecord, parseDeploymentKey, keys } from '../../packages/protocol/index.js';

export const StoredDeploymentSchema = z.object({
  record: DeploymentRecord,
  /** The XState persisted snapshot: opaque here, the node agent restores from it. */
  snapshot: z.unknown(),
  /** Node id hosting the actor; null while unowned (queued for placement, or its node was lost). */
  owner: z.string().nullable(),
});

export interface StoredDeployment {
  record: DeploymentRecord;
  snapshot: unknown;
  owner: string | null;
}

/** A value with the KV revision it was read at: pass the revision back to update it. */
export interface Versioned<T> {
  key: string;
  revision: number;
  value: T;
}

export function deploymentKeyOf(value: StoredDeployment): string {
  const { environmentName, serviceName, id } = value.record;
  return keys.deployment(environmentName, serviceName, id);
}

export type DeploymentChange =
  | { type: 'put'; key: string; revision: number; value: StoredDeployment; initial: boolean }
  | {
      type: 'delete';
      key: string;
      revision: number;
      environmentName: string;
      serviceName: string;
      id: string;
      initial: boolean;
    }
  /** A stored value that fails validation: treat the key as unreadable, not as absent-and-fine. */
  | { type: 'invalid'; key: string; revision: number; error: string; initial: boolean };

export function splitKey(key: string): { environmentName: string; serviceName: string; id: string } {
  const parts = parseDeploymentKey(key);
  return parts
    ? { environmentName: parts.env, serviceName: parts.service, id: parts.id }
    : { environmentName: '', serviceName: '', id: key };
}
