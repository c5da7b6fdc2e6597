// Splitting log batches that would not fit in one NATS message: every line kept, in order, each part under the limit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogBatch } from '../../../packages/protocol/index.js';
import { fitBatch } from '../log-fit.js';

const base: Omit<LogBatch, 'lines'> = {
  deploymentId: 'dep001',
  serviceName: 'web',
  environmentName: 'production',
  nodeId: null,
  stream: 'stdout',
};
const time = '2026-04-24T10:01:00.000Z';

test('a batch under the limit is one part', () => {
  const parts = fitBatch({ ...base, lines: [{ time, text: 'hello' }] }, 10_000);
  assert.is(parts.length, 1);
  assert.is(parts[0]!.payload, JSON.stringify(parts[0]!.batch));
});

test('escaped binary output is split into parts under the limit, lines in order', () => {
  // Control characters encode as \\u00XX: six bytes each in JSON.
  const lines = Array.from({ length: 40 }, (_, i) => ({ time, text: `${i}:` + '\u0001'.repeat(1000) }));
  const parts = fitBatch({ ...base, lines }, 20_000);
  assert.ok(parts.length > 1);
  assert.ok(parts.every((p) => Buffer.byteLength(p.payload) <= 20_000));
  assert.equal(
    parts.flatMap((p) => p.batch.lines.map((l) => l.text.split(':')[0])),
    lines.map((_, i) => String(i)),
  );
});

test('one line too big on its own is truncated until it fits', () => {
  const parts = fitBatch({ ...base, lines: [{ time, text: '\u0002'.repeat(50_000) }] }, 20_000);
  assert.is(parts.length, 1);
  assert.ok(Buffer.byteLength(parts[0]!.payload) <= 20_000);
  assert.ok(parts[0]!.batch.lines[0]!.text.endsWith('[truncated]'));
});

test.run();
