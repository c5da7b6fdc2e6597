// Reading a persisted deployment actor back: its machine version and context checked before anything trusts them.
import { StoredDeploymentContext, StoredDeploymentSnapshot, formatZodError } from '../../packages/protocol/index.js';
import type { DeploymentContext } from './deployment.types.js';
import { DEPLOYMENT_MACHINE_VERSION, RESTORABLE_MACHINE_VERSIONS } from './deployment.version.js';

/** A stored snapshot this machine can restore: written by a restorable version, with a well-formed context. */
export interface StoredSnapshot {
  machineVersion: number;
  /** The stage, status and health regions as XState stores them. */
  value: Record<string, unknown>;
  /** The stored context itself (not a stripped copy): fields the schema does not name, e.g. `spec.notify`, stay. */
  context: DeploymentContext;
}

export type StoredSnapshotRead = { ok: true; stored: StoredSnapshot } | { ok: false; message: string };

/** Every reader of a stored snapshot goes through here: nothing else casts one to a context. */
export function readStoredDeployment(snapshot: unknown): StoredSnapshotRead {
  const shape = StoredDeploymentSnapshot.safeParse(snapshot);
  if (!shape.success) {
    return {
      ok: false,
      message: `its stored snapshot is malformed: ${formatZodError(shape.error, snapshot).split('\n')[0]}`,
    };
  }
  const { machineVersion, value, context } = shape.data;
  if (!RESTORABLE_MACHINE_VERSIONS.includes(machineVersion)) {
    return {
      ok: false,
      message: `its stored snapshot is from machine version ${machineVersion}; this agent runs version ${DEPLOYMENT_MACHINE_VERSION} and restores ${RESTORABLE_MACHINE_VERSIONS.join(', ')}`,
    };
  }
  const checked = StoredDeploymentContext.safeParse(context);
  if (!checked.success)
    return {
      ok: false,
      message: `its stored snapshot has a malformed context: ${formatZodError(checked.error, context).split('\n')[0]}`,
    };
  return { ok: true, stored: { machineVersion, value, context: context as DeploymentContext } };
}

/** Compile-time: the schema and the context type describe the same object either way round, so neither falls behind. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type ContextSchemaFits = Same<StoredDeploymentContext, DeploymentContext> extends true ? true : never;
export const contextSchemaFits: ContextSchemaFits = true;
