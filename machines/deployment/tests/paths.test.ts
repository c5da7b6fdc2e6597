// Path tests: every edge of the machine's graph, generated with @xstate/graph and replayed into a real actor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { edgePaths, allTransitions, replay } from './graph.js';
import { withAutoRevert, withInstances, withKeepPrevious, withReadiness, withoutReadiness } from './fixtures.js';
import { assertRecordInvariants } from './invariants.js';

const paths = [
  ...edgePaths(withReadiness()),
  ...edgePaths(withoutReadiness()),
  ...edgePaths(withInstances()),
  ...edgePaths(withAutoRevert()),
  ...edgePaths(withKeepPrevious()),
];
const covered = new Set<string>();

test('the graph yields paths for both readiness and no-readiness services', () => {
  assert.ok(paths.length > 100, `only ${paths.length} paths`);
});

test('every generated path replays into a real actor with the same states, and the record invariants hold at every step', async () => {
  for (const path of paths) {
    const r = await replay(path);
    assert.equal(r.keys, path.expected, `path ${path.name}`);
    assertRecordInvariants(r.actor.getSnapshot(), path.name);
    for (const t of r.taken) covered.add(t);
    r.actor.stop();
  }
});

test('the paths cover every transition of the machine', () => {
  const all = allTransitions();
  const missing = [...all].filter((t) => !covered.has(t));
  console.log(`  path coverage: ${all.size - missing.length} of ${all.size} transitions, ${paths.length} paths`);
  assert.equal(missing, [], 'uncovered transitions');
});

test.run();
