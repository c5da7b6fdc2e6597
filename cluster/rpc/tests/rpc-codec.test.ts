// The one reply envelope: chunked when an array allows it, never over the limit, TOO_LARGE otherwise; decoded with codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type CompartmentError, MAX_REPLY_BYTES, RPC } from '../../../packages/protocol/index.js';
import { decodeReply, encodeReply, mergeChunk } from '../rpc.codec.js';

const record = (i: number) => ({ id: `dep${String(i).padStart(7, '0')}`, detail: 'x'.repeat(1_500) });
const parse = (m: Uint8Array) => JSON.parse(new TextDecoder().decode(m));
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as CompartmentError).code;
  }
  return null;
};

test('a 1,000-record status reply is split into envelopes under the limit, in order, more on all but the last', () => {
  const deployments = Array.from({ length: 1_000 }, (_, i) => record(i));
  const parts = encodeReply(RPC.api.status, { ok: true, result: { deployments } }).map((m) => ({
    size: m.length,
    body: parse(m),
  }));
  assert.ok(parts.length > 1, `${parts.length} parts`);
  for (const p of parts) assert.ok(p.size <= MAX_REPLY_BYTES, `a part of ${p.size} bytes`);
  assert.equal(
    parts.map((p) => p.body.more),
    [...parts.slice(1).map(() => true), false],
  );
  assert.equal(
    parts.flatMap((p) => p.body.result.deployments.map((d: { id: string }) => d.id)),
    deployments.map((d) => d.id),
  );
});

test('sizes are counted in bytes, not characters: multi-byte text never pushes a part over the limit', () => {
  const deployments = Array.from({ length: 300 }, (_, i) => ({ id: `d${i}`, detail: 'é€'.repeat(1_000) }));
  const parts = encodeReply(RPC.api.status, { ok: true, result: { deployments } }, 64 * 1024);
  for (const p of parts) assert.ok(p.length <= 64 * 1024, `a part of ${p.length} bytes`);
});

test('small replies and errors go out whole; an oversized reply without a chunkable array becomes TOO_LARGE', () => {
  assert.is(encodeReply(RPC.api.status, { ok: true, result: { deployments: [record(1)] } }).length, 1);
  assert.is(encodeReply(RPC.api.status, { ok: false, error: { code: 'INTERNAL', message: 'x' } }).length, 1);
  const [big, ...rest] = encodeReply(RPC.api['env.list'], {
    ok: true,
    result: { environment: 'p', variables: [{ name: 'A', value: 'x'.repeat(MAX_REPLY_BYTES * 2), secret: false }] },
  });
  assert.is(rest.length, 0);
  assert.is(parse(big!).error.code, 'TOO_LARGE');
  assert.ok(big!.length < 1_000);
});

test('one array item larger than a message is refused as TOO_LARGE, not sent over the limit', () => {
  const parts = encodeReply(RPC.nodeTransitions, {
    ok: true,
    result: { id: 'abc123', transitions: [{ data: 'x'.repeat(MAX_REPLY_BYTES) }] },
  });
  assert.is(parts.length, 1);
  assert.is(parse(parts[0]!).error.code, 'TOO_LARGE');
});

test('decodeReply: errors keep their code and field, unknown codes and malformed replies are INTERNAL', () => {
  assert.equal(decodeReply(RPC.api.status, { ok: true, result: { deployments: [] } }), { deployments: [] });
  try {
    decodeReply(RPC.api.inspect, {
      ok: false,
      error: { code: 'DEPLOYMENT_NOT_FOUND', message: 'no deployment abc123', field: 'id' },
    });
    assert.unreachable();
  } catch (e) {
    assert.is((e as CompartmentError).code, 'DEPLOYMENT_NOT_FOUND');
    assert.is((e as CompartmentError).field, 'id');
  }
  assert.is(
    codeOf(() => decodeReply(RPC.api.status, { ok: false, error: { code: 'NO_SUCH_CODE', message: 'x' } })),
    'INTERNAL',
  );
  assert.is(
    codeOf(() => decodeReply(RPC.api.status, { ok: true, result: { deployments: [{ id: 1 }] } })),
    'INTERNAL',
  );
  assert.is(
    codeOf(() => decodeReply(RPC.api.status, { deployments: [] })),
    'INTERNAL',
  );
  assert.is(
    codeOf(() => decodeReply(RPC.api.status, null)),
    'INTERNAL',
  );
});

test('mergeChunk joins the chunked array in order and stops at the part without more', () => {
  const a = mergeChunk(RPC.api.logs, null, { ok: true, result: { lines: [1, 2], nextSequence: 1 }, more: true });
  const b = mergeChunk(RPC.api.logs, a.envelope, { ok: true, result: { lines: [3], nextSequence: 9 } });
  assert.ok(a.more);
  assert.not.ok(b.more);
  assert.equal(b.envelope, { ok: true, result: { lines: [1, 2, 3], nextSequence: 9 } });
});

test.run();
