// Replies too big for one NATS message go out as several envelopes; small ones, and other verbs, as one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_REPLY_BYTES } from '../../../packages/protocol/index.js';
import { replyMessages } from '../api.server.js';

const record = (i: number) => ({ id: `dep${String(i).padStart(7, '0')}`, detail: 'x'.repeat(1_500) });

test('a 1,000-record status reply is split into envelopes under the limit, in order, more on all but the last', () => {
  const deployments = Array.from({ length: 1_000 }, (_, i) => record(i));
  const parts = replyMessages('status', { ok: true, result: { deployments } }).map((m) => ({ size: m.length, body: JSON.parse(m) }));
  assert.ok(parts.length > 1, `${parts.length} parts`);
  for (const p of parts) assert.ok(p.size <= MAX_REPLY_BYTES + 1024, `a part of ${p.size} bytes`);
  assert.equal(parts.map((p) => p.body.more), [...parts.slice(1).map(() => true), false]);
  assert.equal(parts.flatMap((p) => p.body.result.deployments.map((d: { id: string }) => d.id)), deployments.map((d) => d.id));
});

test('small replies, errors and verbs without a chunkable field go out whole', () => {
  assert.is(replyMessages('status', { ok: true, result: { deployments: [record(1)] } }).length, 1);
  assert.is(replyMessages('inspect', { ok: true, result: { deployment: { big: 'x'.repeat(MAX_REPLY_BYTES * 2) } } }).length, 1);
  assert.is(replyMessages('status', { ok: false, error: { code: 'INTERNAL', message: 'x' } }).length, 1);
});

test.run();
