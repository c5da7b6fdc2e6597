// A happy driver: given a snapshot, the event that moves the deployment forward, until it rests.
import { createActor, type AnyStateMachine } from 'xstate';
import { regionPaths, type SnapshotLike } from '../deployment.record.js';
import { FakeEffects, flush } from './fake-effects.js';
import { T1, workload, previous } from './fixtures.js';

type Event = { type: string } & Record<string, unknown>;
const done = (id: string, output: object = {}): Event => ({
  type: `xstate.done.actor.${id}`,
  output: { at: T1, ...output },
});

const NEXT: Record<string, Event> = {
  'building.slot.queued': { type: 'slot.granted', at: T1 },
  'building.slot.running': done('build'),
  'starting_candidate.starting': done('startCandidate', { workload }),
  'starting_candidate.cleanup': done('stopCandidate'),
  'checking_readiness.probing': {
    type: 'readiness.attempt',
    at: T1,
    ok: true,
    detail: 'GET /ready → 200 OK',
    latencyMs: 1,
  },
  'checking_readiness.cleanup': done('stopCandidate'),
  'switching_route.switching': done('switchRoute', { previous }),
  draining_previous: done('drainPrevious', { drained: true }),
};

export function nextHappyEvent(snapshot: SnapshotLike): Event | null {
  return NEXT[regionPaths(snapshot).stage] ?? null;
}

/** Drives an actor forward until no happy event applies; returns how many steps it took. */
export async function driveToRest(
  effects: FakeEffects,
  actor: { getSnapshot(): SnapshotLike; send(e: never): void },
): Promise<number> {
  let steps = 0;
  for (let event = nextHappyEvent(actor.getSnapshot()); event; event = nextHappyEvent(actor.getSnapshot())) {
    effects.deliver(event, (e) => actor.send(e as never));
    await flush();
    if (++steps > 50) throw new Error('the happy driver is going round in circles');
  }
  return steps;
}

/** Restores an actor from a persisted snapshot, as a node agent does after a restart. */
export async function restore(persisted: unknown, input: unknown) {
  const effects = new FakeEffects();
  const actor = createActor(effects.machine() as AnyStateMachine, {
    snapshot: persisted as never,
    input: input as never,
  });
  actor.start();
  await flush();
  return { effects, actor };
}
