// The load report's reading: failures per window with their error window, and switch latency when a version comes back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addCounts, failuresBetween, switchLatency, versionsBetween } from '../load-analysis.js';
import type { FailureBucket, Segment } from '../load.protocol.js';

const failures: FailureBucket[] = [
  [1_000, 'socket', 'ECONNRESET', 3],
  [1_004, 'closed', 'EOF', 2],
  [1_010, 'non2xx', '502', 1],
  [2_000, 'timeout', 'no answer', 1],
];

test('failures in [start, end) are summed by kind and detail, with the span from first to last', () => {
  const c = failuresBetween(failures, 999.6, 2_000);
  assert.equal([c.failed, c.socket, c.closed, c.non2xx, c.timeout], [6, 3, 2, 1, 0]);
  assert.is(c.outageMs, 11);
  assert.equal(c.byDetail, { 'socket:ECONNRESET': 3, 'closed:EOF': 2, 'non2xx:502': 1 });
  assert.is(failuresBetween(failures, 2_000, 3_000).timeout, 1, 'the end is exclusive, the start inclusive');
});

test('a window without failures has no error window; counts add up', () => {
  const none = failuresBetween(failures, 1_500, 1_900);
  assert.equal([none.failed, none.outageMs], [0, 0]);
  const sum = addCounts(failuresBetween(failures, 0, 1_500), failuresBetween(failures, 1_500, 3_000));
  assert.equal([sum.failed, sum.byDetail['socket:ECONNRESET']], [7, 3]);
});

const segments: Segment[] = [
  { v: 'b0', first: 0, last: 900, n: 90 },
  { v: 'b1', first: 950, last: 1_020, n: 10 },
  { v: 'b0', first: 1_021, last: 1_022, n: 2 },
  { v: 'b1', first: 1_023, last: 2_000, n: 100 },
  // a rollback to b0 later: b0 must be found anew, not at its first appearance
  { v: 'b0', first: 2_040, last: 3_000, n: 50 },
];

test('switch latency: the new version’s first answer and the old one’s last, relative to the write', () => {
  const s = switchLatency(segments, { start: 900.5, end: 2_010, switchAt: 1_000, from: 'b0', to: 'b1' });
  assert.equal(s, { toFirstNewMs: -50, toLastOldMs: 22 });
});

test('a version that comes back (rollback) is looked for only inside its window', () => {
  const s = switchLatency(segments, { start: 2_010, end: 3_100, switchAt: 2_020, from: 'b1', to: 'b0' });
  assert.equal(s, { toFirstNewMs: 20, toLastOldMs: null });
  assert.equal(versionsBetween(segments, 2_010, 3_100), { b0: 50 });
});

test.run();
