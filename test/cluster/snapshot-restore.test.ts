// An agent restoring its deployments from KV: a snapshot of another machine version or with a malformed context fails
// that deployment with a clear message instead of being run; a current one is hosted again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, type AnyStateMachine } from 'xstate';
import { DeploymentStore } from '../../cluster/index.js';
import { ActorHost } from '../../nodes/agent/host/actor-host.js';
import { persistSnapshot } from '../../nodes/agent/host/snapshot-check.js';
import { DEPLOYMENT_MACHINE_VERSION, toRecord } from '../../machines/deployment/index.js';
import { FakeEffects, flush } from '../../machines/deployment/tests/fake-effects.js';
import { makeSpec, T1 } from '../../machines/deployment/tests/fixtures.js';
import { startFixture, newId, type Fixture } from './fixture.js';

let fx: Fixture;
let store: DeploymentStore;
const warnings: string[] = [];

test.before(async () => {
  fx = await startFixture();
  store = await DeploymentStore.open(fx.conn);
});
test.after(() => fx?.dispose());

/** Stores a deployment owned by n1 whose build is running, its snapshot changed by `edit`. */
async function storeRunning(edit: (s: Record<string, unknown>) => Record<string, unknown>): Promise<string> {
  const effects = new FakeEffects();
  const spec = makeSpec({}, { id: newId(), nodeId: 'n1' });
  const actor = createActor(effects.machine() as AnyStateMachine, { input: { spec } });
  actor.start();
  effects.deliver({ type: 'slot.granted', at: T1 }, (e) => actor.send(e as never));
  await flush();
  const record = toRecord(actor.getSnapshot());
  const snapshot = edit(JSON.parse(JSON.stringify(persistSnapshot(actor))));
  actor.stop();
  await store.create({ record, snapshot, owner: 'n1' });
  return spec.id;
}

function host(effects = new FakeEffects()) {
  const h = new ActorHost(
    'n1',
    effects.machine() as never,
    store,
    {
      platformLog: () => {},
      transition: () => {},
      warn: (m) => void warnings.push(m),
    },
    () => [],
  );
  return { h, effects };
}

test('an unknown machine version and a malformed context fail their deployments; current, version-3 and version-1 snapshots are hosted', async () => {
  const old = await storeRunning((s) => ({ ...s, machineVersion: DEPLOYMENT_MACHINE_VERSION + 1 }));
  // Version 3 (before health after the switch): no probeFailure/revertReason in context, restored as it is.
  const v3 = await storeRunning((s) => ({ ...s, machineVersion: 3 }));
  const broken = await storeRunning((s) => ({
    ...s,
    context: { ...(s.context as object), stageEnteredAt: 'yesterday' },
  }));
  const good = await storeRunning((s) => s);
  // Written before snapshots were versioned (version 1): same states and context, so restored as it is.
  const legacy = await storeRunning(({ machineVersion: _v, ...s }) => s);
  const { h, effects } = host();
  const restored = await h.restoreOwned(
    (await store.list()).filter((d) => [old, broken, good, legacy, v3].includes(d.value.record.id)),
  );
  assert.is(restored, 3, 'the current, the version-3 and the version-1 snapshot are restored');
  assert.ok(h.isHosted(good) && h.isHosted(legacy) && h.isHosted(v3));
  assert.ok(effects.effectsCalled().includes('build'), 'its build effect runs again');

  const oldRecord = (await store.get(old))!.value;
  assert.equal([oldRecord.record.status, oldRecord.snapshot], ['failed', null]);
  assert.is(
    oldRecord.record.failureMessage,
    `cannot be restored: its stored snapshot is from machine version ${DEPLOYMENT_MACHINE_VERSION + 1}; this agent runs version ${DEPLOYMENT_MACHINE_VERSION} and restores 1, 2, 3, 4, 5`,
  );
  const brokenRecord = (await store.get(broken))!.value.record;
  assert.is(brokenRecord.status, 'failed');
  assert.match(
    brokenRecord.failureMessage!,
    /^cannot be restored: its stored snapshot has a malformed context: stageEnteredAt/,
  );
  await h.stopAll();
});

test('a deployment failed that way is not restored again on the next start', async () => {
  const old = await storeRunning((s) => ({ ...s, machineVersion: 99 }));
  await host().h.restoreOwned((await store.list()).filter((d) => d.value.record.id === old));
  const { h } = host();
  assert.is(await h.restoreOwned((await store.list()).filter((d) => d.value.record.id === old)), 0);
  assert.not.ok(h.isHosted(old));
  assert.is((await store.get(old))!.value.record.status, 'failed');
});

test.run();
