// Versioned snapshots: what an agent writes it can restore; an unknown version or a malformed context is refused with a reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, type AnyStateMachine } from 'xstate';
import { DEPLOYMENT_MACHINE_VERSION, toRecord } from '../../../../machines/deployment/index.js';
import { FakeEffects, flush } from '../../../../machines/deployment/tests/fake-effects.js';
import { withReadiness, T1 } from '../../../../machines/deployment/tests/fixtures.js';
import { checkSnapshot, persistSnapshot } from '../snapshot-check.js';

async function persisted(): Promise<Record<string, unknown>> {
  const effects = new FakeEffects();
  const actor = createActor(effects.machine() as AnyStateMachine, { input: { spec: withReadiness() } });
  actor.start();
  effects.deliver({ type: 'slot.granted', at: T1 }, (e) => actor.send(e as never));
  await flush();
  const snapshot = JSON.parse(JSON.stringify(persistSnapshot(actor)));
  actor.stop();
  return snapshot;
}

test('a written snapshot carries the machine version, passes the check and restores into the same state', async () => {
  const snapshot = await persisted();
  assert.is(snapshot.machineVersion, DEPLOYMENT_MACHINE_VERSION);
  assert.equal(checkSnapshot(snapshot), { ok: true });
  const restored = createActor(new FakeEffects().machine() as AnyStateMachine, { snapshot } as never);
  restored.start();
  assert.equal(toRecord(restored.getSnapshot()).state.stage, 'building.slot.running');
  restored.stop();
});

test('an unversioned snapshot (version 1, before versioning) is restorable; an unknown version is refused, naming both', async () => {
  const { machineVersion: _v, ...unversioned } = await persisted();
  assert.equal(checkSnapshot(unversioned), { ok: true });
  const other = checkSnapshot({ ...(await persisted()), machineVersion: 99 });
  assert.equal(other, {
    ok: false,
    message: `its stored snapshot is from machine version 99; this agent runs version ${DEPLOYMENT_MACHINE_VERSION} and restores 1, 2, 3, 4, 5`,
  });
});

test('a malformed context or shape is refused, naming the field', async () => {
  const snapshot = await persisted();
  const context = snapshot.context as Record<string, unknown>;
  const bad = checkSnapshot({ ...snapshot, context: { ...context, stageEnteredAt: 'yesterday' } });
  assert.not.ok(bad.ok);
  assert.match((bad as { message: string }).message, 'stageEnteredAt');
  const noSpec = checkSnapshot({ ...snapshot, context: { ...context, spec: null } });
  assert.match((noSpec as { message: string }).message, 'spec');
  for (const junk of [null, 42, 'x', { machineVersion: DEPLOYMENT_MACHINE_VERSION }])
    assert.not.ok(checkSnapshot(junk).ok, JSON.stringify(junk));
});

test.run();
