// A persisted snapshot taken in every reachable state survives JSON and the restored actor ends where the original does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { edgePaths, replay, stateKey } from './graph.js';
import { withReadiness, withoutReadiness } from './fixtures.js';
import { driveToRest, restore } from './drive.js';
import { toRecord } from '../deployment.record.js';

/** One path to each distinct state. */
const prefixes = new Map<
  string,
  { spec: ReturnType<typeof withReadiness>; events: ReturnType<typeof edgePaths>[number]['events'] }
>();
for (const spec of [withReadiness(), withoutReadiness()]) {
  for (const p of edgePaths(spec)) {
    for (const n of [p.events.length - 1, p.events.length]) {
      const key = `${spec.service.readiness ? 'r' : '-'} ${p.expected[n - 1] ?? 'initial'}`;
      if (!prefixes.has(key)) prefixes.set(key, { spec, events: p.events.slice(0, n) });
    }
  }
}

test('snapshots are taken in many distinct states, including every stage', () => {
  const stages = new Set([...prefixes.keys()].map((k) => /"stage":"?\{?"?([a-z_]+)/.exec(k)?.[1]));
  assert.ok(prefixes.size >= 20, `only ${prefixes.size} states`);
  for (const s of [
    'building',
    'starting_candidate',
    'checking_readiness',
    'switching_route',
    'draining_previous',
    'active',
    'rolled_back',
  ]) {
    assert.ok(stages.has(s), `a snapshot in ${s}`);
  }
});

test('a restored actor continues to the same end as the original', async () => {
  for (const [name, path] of prefixes) {
    const original = await replay(path);
    const persisted = JSON.parse(JSON.stringify(original.actor.getPersistedSnapshot()));
    const restored = await restore(persisted, { spec: path.spec });
    assert.is(
      stateKey(restored.actor.getSnapshot()),
      stateKey(original.actor.getSnapshot()),
      `${name}: same state after restore`,
    );

    await driveToRest(original.effects, original.actor);
    await driveToRest(restored.effects, restored.actor);
    assert.equal(
      toRecord(restored.actor.getSnapshot()),
      toRecord(original.actor.getSnapshot()),
      `${name}: same record at the end`,
    );
    original.actor.stop();
    restored.actor.stop();
  }
});

test('a restore re-runs the effect the actor was in (effects must be idempotent)', async () => {
  const spec = withReadiness();
  const path = edgePaths(spec).find(
    (p) => p.expected.at(-1)!.includes('"running"') && p.events.at(-1)!.type === 'slot.granted',
  )!;
  const original = await replay(path);
  assert.ok(original.effects.effectsCalled().includes('build'));
  const restored = await restore(JSON.parse(JSON.stringify(original.actor.getPersistedSnapshot())), { spec });
  assert.equal(
    restored.effects.effectsCalled().sort(),
    ['build', 'buildSlot'],
    'build slot and build are invoked again',
  );
  original.actor.stop();
  restored.actor.stop();
});

test.run();
