// The log reader's pure ordering: time order across batches, since, tail, and subject filters that cannot carry wildcards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogBatch } from '../../../packages/protocol/index.js';
import { logSubjectOf, selectTail, countLines, type StoredBatch } from '../log-order.js';

const batch = (service: string, lines: Array<[string, string]>): LogBatch => ({
  deploymentId: 'dep001',
  serviceName: service,
  environmentName: 'production',
  nodeId: null,
  stream: 'stdout',
  lines: lines.map(([time, text]) => ({ time, text })),
});

test('lines of several batches come out in time order, stream order breaking ties', () => {
  const stored: StoredBatch[] = [
    { seq: 1, batch: batch('a', [['2026-01-01T00:00:02.000Z', 'a2'], ['2026-01-01T00:00:04Z', 'a4']]) },
    { seq: 2, batch: batch('b', [['2026-01-01T00:00:01Z', 'b1'], ['2026-01-01T00:00:03.500Z', 'b3'], ['2026-01-01T00:00:04.000Z', 'b4']]) },
  ];
  assert.equal(selectTail(stored, 10, null).map((l) => l.text), ['b1', 'a2', 'b3', 'a4', 'b4']);
  assert.equal(selectTail(stored, 2, null).map((l) => l.text), ['a4', 'b4']);
  assert.equal(selectTail(stored, 10, Date.parse('2026-01-01T00:00:03Z')).map((l) => l.text), ['b3', 'a4', 'b4']);
  assert.is(countLines(stored, Date.parse('2026-01-01T00:00:03Z')), 3);
  assert.equal(selectTail(stored, 0, null), []);
  const line = selectTail(stored, 1, null)[0]!;
  assert.equal(line, { deploymentId: 'dep001', serviceName: 'b', environmentName: 'production', nodeId: null, stream: 'stdout', time: '2026-01-01T00:00:04.000Z', text: 'b4' });
});

test('subject filters: wildcards for what is unset, names validated', () => {
  assert.is(logSubjectOf({ env: 'production' }), 'compartment.logs.production.*.*.*');
  assert.is(logSubjectOf({ env: 'staging', service: 'api', stream: 'stderr' }), 'compartment.logs.staging.api.*.stderr');
  assert.throws(() => logSubjectOf({ env: 'prod.>' }));
  assert.throws(() => logSubjectOf({ service: '*' }));
  assert.throws(() => logSubjectOf({ deploymentId: 'a.b' }));
});

test.run();
