// Persisted actor snapshots carry the machine version; before an agent runs one it checks version and context shape.
import {
  DEPLOYMENT_MACHINE_VERSION,
  readStoredDeployment,
  type DeploymentMachine,
} from '../../../machines/deployment/index.js';

/** The persisted snapshot with the version of the machine that wrote it. */
export function versioned(persisted: unknown): unknown {
  return { ...(persisted as object), machineVersion: DEPLOYMENT_MACHINE_VERSION };
}

export function persistSnapshot(actor: { getPersistedSnapshot(): unknown }): unknown {
  return versioned(actor.getPersistedSnapshot());
}

export function persistedOf(
  machine: DeploymentMachine,
  snapshot: Parameters<DeploymentMachine['getPersistedSnapshot']>[0],
): unknown {
  return versioned(machine.getPersistedSnapshot(snapshot));
}

export type SnapshotCheck = { ok: true } | { ok: false; message: string };

/** Whether this agent may run `snapshot`: written by a version it restores, with a well-formed context. */
export function checkSnapshot(snapshot: unknown): SnapshotCheck {
  const read = readStoredDeployment(snapshot);
  return read.ok ? { ok: true } : { ok: false, message: read.message };
}
