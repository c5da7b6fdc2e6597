// One hosted deployment actor: created or restored with the process-wide inspector, its record writer, and the
// subscription that turns each snapshot into a stored record, platform log lines and transition reports.
import { createActor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import type { DeploymentRecord, Trigger } from '../../../packages/protocol/index.js';
import {
  errorText,
  toRecord,
  type DeploymentMachine,
  type DeploymentSpec,
} from '../../../machines/deployment/index.js';
import type { DeploymentStore } from '../../../cluster/deployments/index.js';
import { RecordWriter } from './record-writer.js';
import { persistSnapshot } from './snapshot-check.js';
import { transitionObserver, type TransitionReport } from './transition-journal.js';

export type Hosted = { actor: Actor<DeploymentMachine>; writer: RecordWriter; last: DeploymentRecord };

/**
 * How an actor came to be hosted: its first snapshot is reported as new, as restored, or not at all (already reported:
 * `woken` by a stored transition, `awake` from sleep for an event it is about to be given).
 */
export type Arrival = 'created' | 'restored' | 'woken' | 'awake';

/** Process-wide (one agent per process): `compartment node --inspect ws://…` sets it before any actor exists. */
let actorInspector: Observer<InspectionEvent> | undefined;
export function setActorInspector(observer: Observer<InspectionEvent> | undefined): void {
  actorInspector = observer;
}

/** A new actor for a deployment (not started). */
export function newActor(machine: DeploymentMachine, spec: DeploymentSpec, trigger: Trigger): Actor<DeploymentMachine> {
  return createActor(machine, { input: { spec, trigger }, inspect: actorInspector });
}

/** An actor from a persisted snapshot (not started: nothing runs until it is hosted). */
export function restoredActor(machine: DeploymentMachine, snapshot: unknown): Actor<DeploymentMachine> {
  return createActor(machine, { snapshot, inspect: actorInspector } as never);
}

/** What the host does with what a hosted actor reports. */
export interface HostedPort {
  store: DeploymentStore;
  nodeId: string;
  /** A new record, already differing from `before`: log it, schedule its write, decide sleep or unhost. */
  recorded(hosted: Hosted, record: DeploymentRecord, before: DeploymentRecord): void;
  /** Another writer changed the key: the actor is no longer ours. */
  lost(message: string): void;
  /** The record cannot be stored: the deployment must fail. */
  failed(message: string): void;
  report(report: Omit<TransitionReport, 'seq' | 'nodeId' | 'id'>): void;
  warn(message: string, error?: unknown): void;
}

/** Wires and starts `actor` for deployment `id`, stored at `revision` as `last`. */
export function hostActor(
  port: HostedPort,
  id: string,
  actor: Actor<DeploymentMachine>,
  revision: number,
  last: DeploymentRecord,
  arrival: Arrival,
): Hosted {
  const writer = new RecordWriter(
    port.store,
    port.nodeId,
    revision,
    { record: () => toRecord(actor.getSnapshot()), snapshot: () => persistSnapshot(actor) },
    {
      lost: (error) => port.lost(`another writer changed deployment ${id}: ${error.message}`),
      failed: (error) => port.failed(`the deployment's state could not be stored: ${errorText(error)}`),
      retrying: (error, attempt) =>
        port.warn(`could not persist deployment ${id} (attempt ${attempt}); retrying`, error),
    },
  );
  const hosted: Hosted = { actor, writer, last };
  actor.subscribe({
    next: (snapshot) => {
      const record = toRecord(snapshot);
      const before = hosted.last;
      hosted.last = record;
      if (record.updatedAt === before.updatedAt && JSON.stringify(record) === JSON.stringify(before)) return;
      port.recorded(hosted, record, before);
    },
    error: (error) => port.warn(`deployment ${id} actor stopped with an error`, error),
  });
  actor.system.inspect(
    transitionObserver(
      actor,
      arrival === 'created' ? null : last.state,
      arrival === 'woken' || arrival === 'awake',
      (r) => port.report(r),
    ),
  );
  actor.start();
  return hosted;
}
