// The bounds of the `feed` verb without a cluster: bytes per reply, deletions and transitions an agent remembers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_FEED_RECORD_BYTES, type TransitionReport } from '../../packages/protocol/index.js';
import { DeploymentIndex } from '../../nodes/agent/deployment-index.js';
import { KEPT_BYTES, KEPT_REPORTS, TransitionRing } from '../../nodes/agent/transition-ring.js';
import { feed, recordsSince } from '../../nodes/agent/api/feed.handler.js';
import { putIndexed } from '../harness/records.js';

const put = (index: DeploymentIndex, id: string, revision: number, failureMessage: string | null = null) =>
  putIndexed(index, id, revision, { failureMessage });
const remove = (index: DeploymentIndex, id: string, revision: number) =>
  index.apply({
    type: 'delete',
    key: `production.web.${id}`,
    revision,
    initial: false,
    environmentName: 'production',
    serviceName: 'web',
    id,
  });
const id = (i: number) => `dep${String(i).padStart(5, '0')}`;

test(`a reply carries at most ${MAX_FEED_RECORD_BYTES / 1024} KiB of records; its cursor is where the next starts`, () => {
  const index = new DeploymentIndex();
  for (let i = 1; i <= 100; i++) put(index, id(i), i, 'x'.repeat(4_000));
  const first = recordsSince(index, 0);
  assert.is(first.more, true);
  assert.ok(first.records.length < 100);
  assert.ok(JSON.stringify(first.records).length <= MAX_FEED_RECORD_BYTES + first.records.length);
  assert.is(first.cursor, first.records.at(-1)!.revision);
  const ids = first.records.map((r) => r.id);
  for (let since = first.cursor, more = true; more; ) {
    const next = recordsSince(index, since);
    ids.push(...next.records.map((r) => r.id));
    since = next.cursor;
    more = next.more;
  }
  assert.equal(
    ids,
    Array.from({ length: 100 }, (_, i) => id(i + 1)),
    'each once, oldest first',
  );
});

test('a cursor from before the deletions an agent remembers is told `gap`; newer ones get the deletions', async () => {
  const index = new DeploymentIndex();
  const ring = new TransitionRing('test');
  for (let i = 1; i <= 1_001; i++) put(index, id(i), i);
  for (let i = 1; i <= 1_001; i++) remove(index, id(i), 1_001 + i);
  // The first deletion (revision 1002) is forgotten: the horizon moved to it.
  const stale = await feed(index, ring, { since: 1_001, waitMs: 0 });
  assert.is(stale.gap, true, 'a deletion after this cursor may be missing');
  const fresh = await feed(index, ring, { since: 1_002, waitMs: 0 });
  assert.is(fresh.gap, false);
  assert.is(fresh.records.length, 200, 'the rest of the deletions, paged');
  assert.equal(fresh.records[0], { id: id(2), revision: 1_003, record: null });
  const first = await feed(index, ring, { since: 0, waitMs: 0 });
  assert.equal([first.gap, first.records.length, first.more], [false, 200, true], 'since 0 is a first read, no gap');
});

const report = (seq: number, bytes = 100): TransitionReport => ({
  id: 'abc123',
  seq,
  nodeId: 'n1',
  event: 'readiness.attempt',
  raised: [],
  data: { detail: 'x'.repeat(bytes) },
  before: null,
  after: { status: 'running', stage: 'checking_readiness.probing', health: 'pending' },
  at: new Date(0).toISOString(),
});

test(`an agent keeps ${KEPT_REPORTS} transitions and ${KEPT_BYTES / 1024 / 1024} MiB; a caller further behind is told`, () => {
  const ring = new TransitionRing('test');
  const start = ring.now();
  for (let seq = 1; seq <= KEPT_REPORTS + 1; seq++) ring.add(report(seq));
  const behind = ring.after(start);
  assert.equal([behind.gap, behind.reports.length, behind.reports[0]!.report.seq], [true, KEPT_REPORTS, 2]);
  assert.equal(ring.after({ ...start, n: 1 }).gap, false, 'report 1 seen: nothing missing');
  const other = ring.after({ agent: 'another-agent', n: 5, at: 1 });
  assert.is(other.gap, true, 'another agent cannot vouch for reports forgotten since then');

  const big = new TransitionRing('big');
  const from = big.now();
  for (let seq = 1; seq <= 100; seq++) big.add(report(seq, 60 * 1024));
  const kept = big.after(from);
  assert.is(kept.gap, true);
  assert.ok(kept.reports.reduce((n, r) => n + r.bytes, 0) <= KEPT_BYTES);
});

test.run();
