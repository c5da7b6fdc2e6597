// Real-network tests of repeated readiness attempts: first at once, spaced by the interval, bounded by the deadline, abortable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { probeUntil, type ProbeAttempt } from '../../packages/probes/index.js';
import { scriptedServer, closedPort } from './probe-fixture.js';

const readiness = (intervalMs: number, attemptTimeoutMs = 1000) => ({ path: '/ready', intervalMs, attemptTimeoutMs });
const target = (port: number) => ({ host: '127.0.0.1', port });
const gaps = (xs: ProbeAttempt[]) => xs.slice(1).map((x, i) => Date.parse(x.at) - Date.parse(xs[i].at));

test('the first attempt runs at once, the next ones an interval apart, until one passes', async () => {
  const server = await scriptedServer(503);
  try {
    const attempts: ProbeAttempt[] = [];
    const t0 = Date.now();
    const outcome = await probeUntil({
      readiness: readiness(400),
      target: target(server.port),
      deadline: new Date(Date.now() + 20_000),
      onAttempt: (a) => {
        attempts.push(a);
        if (attempts.length === 3) server.status = 200;
      },
    });
    assert.is(outcome, 'passed');
    assert.equal(
      attempts.map((a) => a.detail),
      [
        'GET /ready → 503 Service Unavailable',
        'GET /ready → 503 Service Unavailable',
        'GET /ready → 503 Service Unavailable',
        'GET /ready → 200 OK',
      ],
    );
    assert.ok(Date.parse(attempts[0].at) - t0 < 400, 'first attempt before one interval has passed');
    for (const gap of gaps(attempts)) assert.ok(gap >= 399, `attempts ${gap} ms apart, interval 400`);
    assert.is(server.hits, 4);
  } finally {
    await server.close();
  }
});

test('attempts stop at the deadline: timed_out, never before it, at most one attempt per interval', async () => {
  const port = await closedPort();
  const attempts: ProbeAttempt[] = [];
  const deadline = new Date(Date.now() + 500);
  const outcome = await probeUntil({
    readiness: readiness(200),
    target: target(port),
    deadline,
    onAttempt: (a) => attempts.push(a),
  });
  assert.is(outcome, 'timed_out');
  assert.ok(Date.now() >= deadline.getTime());
  assert.ok(attempts.length >= 2 && attempts.length <= 3, `${attempts.length} attempts in 500 ms at 200 ms`);
  assert.ok(attempts.every((a) => !a.ok && a.detail === 'GET /ready → connect ECONNREFUSED'));
});

test('a hanging attempt is cut short at the deadline rather than at its own timeout', async () => {
  const server = await scriptedServer(0);
  try {
    const attempts: ProbeAttempt[] = [];
    const t0 = Date.now();
    const outcome = await probeUntil({
      readiness: readiness(100, 30_000),
      target: target(server.port),
      deadline: new Date(t0 + 300),
      onAttempt: (a) => attempts.push(a),
    });
    assert.is(outcome, 'timed_out');
    assert.ok(Date.now() - t0 < 30_000);
    assert.is(attempts.length, 1);
    assert.match(attempts[0].detail, /^GET \/ready → timed out after \d+ ms$/);
  } finally {
    await server.close();
  }
});

test('a deadline already past means timed_out with no attempt (a restored probe keeps its deadline)', async () => {
  const attempts: ProbeAttempt[] = [];
  const outcome = await probeUntil({
    readiness: readiness(100),
    target: target(1),
    deadline: new Date(Date.now() - 1000),
    onAttempt: (a) => attempts.push(a),
  });
  assert.is(outcome, 'timed_out');
  assert.is(attempts.length, 0);
});

test('abort ends it at once with aborted, also in the middle of an attempt, and no attempt is reported after', async () => {
  const server = await scriptedServer(0);
  try {
    const ac = new AbortController();
    const attempts: ProbeAttempt[] = [];
    const t0 = Date.now();
    const running = probeUntil({
      readiness: readiness(100, 20_000),
      target: target(server.port),
      deadline: new Date(t0 + 20_000),
      onAttempt: (a) => attempts.push(a),
      signal: ac.signal,
    });
    setTimeout(() => ac.abort(), 150);
    assert.is(await running, 'aborted');
    assert.ok(Date.now() - t0 < 20_000);
    assert.is(attempts.length, 0);

    server.status = 503;
    const ac2 = new AbortController();
    const between = probeUntil({
      readiness: readiness(10_000),
      target: target(server.port),
      deadline: new Date(Date.now() + 60_000),
      onAttempt: () => ac2.abort(),
      signal: ac2.signal,
    });
    assert.is(await between, 'aborted');
  } finally {
    await server.close();
  }
});

test.run();
