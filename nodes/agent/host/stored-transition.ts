// Applies an event to a deployment that no actor hosts: a pure transition of its stored snapshot, written back with CAS.
import { createActor, transition } from 'xstate';
import { CompartmentError, type DeploymentRecord, type Trigger } from '../../../packages/protocol/index.js';
import {
  toRecord,
  type DeploymentEvent,
  type DeploymentMachine,
  type DeploymentSpec,
} from '../../../machines/deployment/index.js';
import type { DeploymentStore } from '../../../cluster/deployments/index.js';
import { retryOnConflict } from '../../../cluster/kv/index.js';
import { checkSnapshot, persistedOf } from './snapshot-check.js';

export interface Transitioned {
  before: DeploymentRecord;
  record: DeploymentRecord;
  persisted: unknown;
  revision: number;
}

const MAX_CONFLICTS = 50;

/** The next state of a stored deployment under `event`, written with `owner`; retried when the entry moved meanwhile. */
export async function transitionStored(
  machine: DeploymentMachine,
  store: DeploymentStore,
  id: string,
  event: DeploymentEvent,
  owner: string | null,
): Promise<Transitioned> {
  // Bounded: each lost compare-and-swap means another writer moved on; endless contention is reported, not spun on.
  return retryOnConflict(
    MAX_CONFLICTS,
    `deployment ${id} changed under ${MAX_CONFLICTS} attempts to apply ${event.type}`,
    async () => {
      const stored = await store.get(id);
      if (!stored) throw new CompartmentError('DEPLOYMENT_NOT_FOUND', `no deployment ${id}`, 'id');
      const check = checkSnapshot(stored.value.snapshot);
      if (!check.ok)
        throw new CompartmentError('INTERNAL', `deployment ${id} cannot take ${event.type}: ${check.message}`, 'id');
      // An actor built from the snapshot but never started: nothing it would run is run.
      const current = createActor(machine, { snapshot: stored.value.snapshot } as never).getSnapshot();
      const [next] = transition(machine, current, event);
      const record = toRecord(next);
      const persisted = persistedOf(machine, next);
      const revision = await store.update({ record, snapshot: persisted, owner }, stored.revision);
      return { before: stored.value.record, record, persisted, revision };
    },
  );
}

/** Writes a new deployment owned by `owner` without hosting it here: the owner picks it up from the KV watch. */
export async function createStored(
  machine: DeploymentMachine,
  store: DeploymentStore,
  spec: DeploymentSpec,
  trigger: Trigger,
  owner: string,
): Promise<DeploymentRecord> {
  const snapshot = createActor(machine, { input: { spec, trigger } }).getSnapshot();
  const record = toRecord(snapshot);
  await store.create({ record, snapshot: persistedOf(machine, snapshot), owner });
  return record;
}
