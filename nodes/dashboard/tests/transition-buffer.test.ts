// What the dashboard keeps of transitions: bounded, merged with a node's journal without repeats.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TransitionReport } from '../../../packages/protocol/index.js';
import { ReportBuffer, mergeTransitions } from '../transition-buffer.js';

const S = { status: 'running', stage: 'building.slot.running', health: 'pending' };
const report = (seq: number, over: Partial<TransitionReport> = {}): TransitionReport => ({
  id: 'dep0000001',
  seq,
  nodeId: 'n1',
  event: 'slot.granted',
  raised: [],
  data: null,
  before: S,
  after: S,
  at: `2026-04-24T10:00:0${seq}.000Z`,
  ...over,
});

test('the buffer keeps the newest reports of each deployment', () => {
  const buffer = new ReportBuffer();
  for (let i = 1; i <= 350; i++) buffer.add(report(i, { at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }));
  const kept = buffer.of('dep0000001');
  assert.is(kept.length, 300);
  assert.is(kept[0]!.seq, 51);
  assert.equal(buffer.of('other'), []);
});

test("merge: the node's journal first, then what it does not have yet, nothing twice", () => {
  const journal = [report(1), report(2)];
  const received = [report(2), report(3)];
  assert.equal(
    mergeTransitions(journal, received).map((r) => r.seq),
    [1, 2, 3],
  );
  assert.equal(mergeTransitions(null, received), received, 'no journal: what we received');
  // After a node restart its numbering starts over: older reports it no longer has are not appended after newer ones.
  const restarted = [report(1, { at: '2026-04-24T11:00:00.000Z', data: { restored: true } })];
  assert.equal(mergeTransitions(restarted, [report(5)]), restarted);
});

test.run();
