// Unit tests of the one restart backoff: doubling to a cap, a healthy run starting over, Caddy's restart at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RestartBackoff } from '../restart-backoff.js';
import { RESTART_POLICIES } from '../restart-policies.js';
import { kernelPort } from '../free-port.js';

test('exits in a row double the delay up to the cap; a failed start counts as one', () => {
  const b = new RestartBackoff(RESTART_POLICIES.workload);
  const now = 1_000_000;
  const delays = [b.next(now - 10, now), b.next(null, now), b.next(now - 10, now), b.next(now - 10, now)];
  assert.equal(delays, [500, 1_000, 2_000, 4_000]);
  for (let i = 0; i < 10; i++) b.next(now, now);
  assert.is(b.next(now, now), 30_000);
});

test('a run that lasted stableMs starts the backoff over', () => {
  const b = new RestartBackoff(RESTART_POLICIES.supervisorChild);
  const now = 1_000_000;
  b.next(now, now);
  b.next(now, now);
  assert.is(b.next(now - 30_000, now), 500);
});

test("Caddy's policy restarts at once after a healthy run, backs off in a crash loop", () => {
  const b = new RestartBackoff(RESTART_POLICIES.caddy);
  const now = 1_000_000;
  assert.equal([b.next(now, now), b.next(now, now), b.next(now - 10_000, now), b.next(now, now)], [100, 200, 0, 100]);
});

test('kernelPort hands out a port that can be bound', async () => {
  const port = await kernelPort('127.0.0.1');
  assert.ok(port > 0 && port < 65_536);
});

test.run();
