// The bounds of the `watch` verb without a cluster: the revisions an index keeps per deployment, the transitions per reply.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_WATCH_TRANSITION_BYTES, type TransitionReport } from '../../packages/protocol/index.js';
import { DeploymentIndex } from '../../nodes/agent/deployment-index.js';
import { pickTransitions } from '../../nodes/agent/api/watch.handler.js';
import { putIndexed } from '../harness/records.js';

const put = putIndexed;

test('the index hands a watcher each revision since its cursor, the last 8 of a deployment, oldest first', () => {
  const index = new DeploymentIndex();
  for (let revision = 1; revision <= 12; revision++) put(index, 'abc123', revision);
  assert.equal(
    index.since('abc123', 0).map((e) => e.revision),
    [12],
    'a first look gets the current record alone, as a KV watch would',
  );
  assert.equal(
    index.since('abc123', 1).map((e) => e.revision),
    [5, 6, 7, 8, 9, 10, 11, 12],
  );
  assert.equal(
    index.since('abc123', 10).map((e) => e.revision),
    [11, 12],
  );
  assert.equal(index.since('abc123', 12), [], 'nothing newer than the cursor');
  assert.equal(index.since('nope', 0), []);
});

test('only the 1,000 most recently changed deployments keep a trail; the others hand over their newest revision', () => {
  const index = new DeploymentIndex();
  put(index, 'first0', 1);
  put(index, 'first0', 2);
  put(index, 'first0', 3);
  for (let i = 0; i < 1_000; i++) put(index, `dep${String(i).padStart(4, '0')}`, 10 + i);
  assert.equal(
    index.since('first0', 1).map((e) => e.revision),
    [3],
    'its trail is gone: the newest alone (revision 2 is skipped)',
  );
  assert.equal(
    index.since('dep0999', 0).map((e) => e.revision),
    [1009],
  );
});

const report = (seq: number, bytes = 1_000, nodeId = 'n1'): TransitionReport => ({
  id: 'abc123',
  seq,
  nodeId,
  event: 'readiness.attempt',
  raised: [],
  data: { detail: 'x'.repeat(bytes) },
  before: null,
  after: { status: 'running', stage: 'checking_readiness.probing', health: 'pending' },
  at: new Date(0).toISOString(),
});

test('a reply carries transitions up to its byte budget, says more, and always at least one', () => {
  const many = Array.from({ length: 300 }, (_, i) => report(i + 1));
  const first = pickTransitions(many, null);
  assert.is(first.more, true);
  assert.ok(JSON.stringify(first.transitions).length <= MAX_WATCH_TRANSITION_BYTES + first.transitions.length);
  const last = first.transitions.at(-1)!;
  const next = pickTransitions(many, { nodeId: last.nodeId, seq: last.seq });
  assert.is(next.transitions[0]!.seq, last.seq + 1, 'the next poll goes on from the cursor');
  const huge = pickTransitions([report(1, MAX_WATCH_TRANSITION_BYTES * 2)], null);
  assert.equal([huge.transitions.length, huge.more], [1, false], 'one over the budget still moves the caller on');
});

test('transitions are handed over once each, and only after the cursor of their node', () => {
  const picked = pickTransitions([report(1), report(2), report(2), report(3), report(1, 10, 'n2')], {
    nodeId: 'n1',
    seq: 1,
  });
  assert.equal(
    picked.transitions.map((t) => `${t.nodeId}#${t.seq}`),
    ['n1#2', 'n1#3', 'n2#1'],
  );
});

test.run();
