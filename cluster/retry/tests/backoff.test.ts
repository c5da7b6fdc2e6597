// The one retry helper: transient failures are retried with growing delays, permanent ones and the bound end it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompartmentError } from '../../../packages/protocol/index.js';
import { withBackoff, isTransient } from '../backoff.js';

const transient = () => new CompartmentError('CLUSTER_UNAVAILABLE', 'NATS KV: timeout');

test('transient failures are retried until the work succeeds, with doubling delays up to the cap', async () => {
  const delays: number[] = [];
  let last = Date.now();
  let calls = 0;
  const out = await withBackoff(
    async () => {
      const now = Date.now();
      if (calls++ > 0) delays.push(now - last);
      last = now;
      if (calls < 5) throw transient();
      return 'done';
    },
    { withinMs: 10_000, baseMs: 10, maxDelayMs: 40 },
  );
  assert.is(out, 'done');
  assert.is(calls, 5);
  assert.ok(delays[1]! >= delays[0]! && delays[3]! >= 35, `delays ${delays.join(', ')}`);
});

test('a permanent failure is not retried', async () => {
  let calls = 0;
  const error = await withBackoff(
    async () => {
      calls++;
      throw new CompartmentError('INVALID_ARGUMENT', 'bad record');
    },
    { withinMs: 10_000, baseMs: 1 },
  ).catch((e: unknown) => e);
  assert.is((error as CompartmentError).code, 'INVALID_ARGUMENT');
  assert.is(calls, 1);
});

test('it gives up once the bound has passed, with the last error', async () => {
  let calls = 0;
  const error = await withBackoff(
    async () => {
      calls++;
      throw transient();
    },
    { withinMs: 100, baseMs: 20, maxDelayMs: 20 },
  ).catch((e: unknown) => e);
  assert.ok(isTransient(error));
  assert.ok(calls >= 2 && calls <= 7, `${calls} calls within 100 ms`);
});

test('cancelled() stops the retries', async () => {
  let calls = 0;
  const error = await withBackoff(
    async () => {
      calls++;
      throw transient();
    },
    { withinMs: 10_000, baseMs: 1, cancelled: () => calls >= 3 },
  ).catch((e: unknown) => e);
  assert.ok(isTransient(error));
  assert.is(calls, 3);
});

test.run();
