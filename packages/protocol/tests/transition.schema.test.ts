// Transition reports: only the shape node agents publish is accepted by watchers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TransitionReport } from '../index.js';

const S = { status: 'running', stage: 'building.slot.running', health: 'pending' };
const report = {
  id: 'dep0000001',
  seq: 1,
  nodeId: 'n1',
  event: 'slot.granted',
  raised: [],
  data: null,
  before: S,
  after: S,
  at: '2026-04-24T10:00:01.000Z',
};

test('a published report parses; a malformed one does not', () => {
  assert.equal(TransitionReport.parse(report), report);
  assert.not.ok(TransitionReport.safeParse({ ...report, after: { status: 'x' } }).success);
  assert.not.ok(TransitionReport.safeParse({ ...report, seq: '1' }).success);
  assert.not.ok(TransitionReport.safeParse(null).success);
  assert.equal(
    TransitionReport.parse({ ...report, raised: undefined, data: undefined }).raised,
    [],
    'older nodes may omit raised and data',
  );
});

test.run();
