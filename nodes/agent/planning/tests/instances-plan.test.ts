// Instance placement: spread as evenly as the live nodes allow, empty nodes first, re-placement after a node loss.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freeSlots, spreadInstances, surplusInstances } from '../instances.plan.js';

const counts = (nodes: readonly string[]) => {
  const out: Record<string, number> = {};
  for (const n of nodes) out[n] = (out[n] ?? 0) + 1;
  return out;
};

test('as many nodes as instances: one each, the owner keeping its own', () => {
  assert.equal(spreadInstances(2, ['a'], ['b', 'c', 'a']).sort(), ['b', 'c']);
});

test('fewer nodes than instances: counts per node differ by at most 1, for every count up to 16', () => {
  for (const able of [
    ['b', 'a'],
    ['b', 'c', 'a'],
  ]) {
    for (let n = 1; n <= 16; n++) {
      const all = ['a', ...spreadInstances(n - 1, ['a'], able)];
      const c = Object.values(counts(all));
      assert.is(all.length, n, `${n} instances on ${able.length} nodes`);
      assert.ok(Math.max(...c) - Math.min(...c) <= 1, `${n} on ${able}: ${JSON.stringify(counts(all))}`);
      if (n >= able.length) assert.is(c.length, able.length, 'every node holds one');
    }
  }
});

test('3 on two nodes: 2 + 1; a node without an instance is taken before any gets a second', () => {
  assert.equal(counts(['a', ...spreadInstances(2, ['a'], ['b', 'a'])]), { a: 1, b: 2 });
  // Ties go by the order given (the agent lists the owner last).
  assert.equal(spreadInstances(1, ['a', 'b'], ['c', 'b', 'a']), ['c']);
  assert.equal(spreadInstances(1, ['a', 'b', 'b'], ['b', 'a']), ['a']);
});

test('re-placement after a node loss: its instances go to the least-loaded live nodes', () => {
  // Five instances: a 2, b 2, c 1; b is lost with its two.
  const survivors = ['a', 'a', 'c'];
  const placed = spreadInstances(2, survivors, ['c', 'd', 'a']);
  assert.equal(counts([...survivors, ...placed]), { a: 2, c: 2, d: 1 }, 'd (empty) first, then c (one)');
  // Only one node left: everything runs there.
  assert.equal(spreadInstances(2, ['a'], ['a']), ['a', 'a']);
  // No live node offers the runtime: nothing is placed (the set stays short).
  assert.equal(spreadInstances(2, ['a'], []), []);
});

test('slots: the lowest free from 1, never 0 (the owner instance)', () => {
  assert.equal(freeSlots(2, [0]), [1, 2]);
  assert.equal(freeSlots(2, [0, 2, 3]), [1, 4]);
  assert.equal(freeSlots(0, [0]), []);
});

test('scale down: surplus leaves the most loaded node first (its highest slot), never slot 0', () => {
  const skewed = [
    { nodeId: 'a', slot: 0 },
    { nodeId: 'b', slot: 1 },
    { nodeId: 'b', slot: 2 },
    { nodeId: 'b', slot: 3 },
  ];
  assert.equal(surplusInstances(skewed, 3), [{ nodeId: 'b', slot: 3 }]);
  const even = [
    { nodeId: 'a', slot: 0 },
    { nodeId: 'b', slot: 1 },
    { nodeId: 'b', slot: 2 },
    { nodeId: 'a', slot: 3 },
  ];
  // Equal load: the highest slot goes, then the node that holds more.
  assert.equal(surplusInstances(even, 2), [
    { nodeId: 'a', slot: 3 },
    { nodeId: 'b', slot: 2 },
  ]);
  assert.equal(surplusInstances(even, 1).length, 3);
  assert.ok(surplusInstances(even, 1).every((p) => p.slot !== 0));
  assert.equal(surplusInstances(even, 4), []);
});

test.run();
