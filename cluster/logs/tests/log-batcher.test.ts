// The log batcher's own logic, with a send function the test controls: batching, backpressure, the events lane, no drops.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LogBatch } from '../../../packages/protocol/index.js';
import { LogBatcher, type BatcherOptions } from '../log-batcher.js';

const meta = { deploymentId: 'dep001', serviceName: 'web', environmentName: 'production', nodeId: 'n1' };
const options: BatcherOptions = {
  flushMs: 10,
  eventFlushMs: 0,
  maxBatchLines: 100,
  maxBatchBytes: 64 * 1024,
  maxLineChars: 1000,
  maxInFlight: 2,
  maxQueued: 2,
};

/** A send that holds every batch until the test releases it. */
function gate() {
  const sent: LogBatch[] = [];
  const pending: Array<() => void> = [];
  const send = (b: LogBatch) =>
    new Promise<void>((resolve) => {
      sent.push(b);
      pending.push(resolve);
    });
  const releaseAll = () => {
    for (const r of pending.splice(0)) r();
  };
  return { sent, send, releaseAll, pending };
}

const tick = () => new Promise((r) => setImmediate(r));

test('lines are cut into batches of at most maxBatchLines, in order, and flush publishes the rest', async () => {
  const sent: LogBatch[] = [];
  const b = new LogBatcher(options, async (batch) => void sent.push(batch));
  await b.write(
    meta,
    'stdout',
    Array.from({ length: 250 }, (_, i) => `line ${i}`),
  );
  await b.flush();
  assert.equal(
    sent.map((x) => x.lines.length),
    [100, 100, 50],
  );
  assert.equal(
    sent.flatMap((x) => x.lines.map((l) => l.text)),
    Array.from({ length: 250 }, (_, i) => `line ${i}`),
  );
  assert.ok(sent.every((x) => x.stream === 'stdout' && x.deploymentId === 'dep001' && x.nodeId === 'n1'));
});

test('with a publish slot free, a partial batch goes out on the next turn, not after flushMs', async () => {
  const sent: LogBatch[] = [];
  const b = new LogBatcher({ ...options, flushMs: 60_000 }, async (batch) => void sent.push(batch));
  await b.write(meta, 'stderr', ['only one']);
  await b.write(meta, 'stderr', ['same turn']);
  assert.is(sent.length, 0, 'lines of the same turn wait for each other');
  await sleep(20);
  assert.is(sent.length, 1);
  assert.is(sent[0]!.stream, 'stderr');
  assert.equal(
    sent[0]!.lines.map((l) => l.text),
    ['only one', 'same turn'],
  );
});

test('while every publish slot is busy, lines gather and go as one batch when a publish completes', async () => {
  const g = gate();
  const b = new LogBatcher({ ...options, maxInFlight: 1, flushMs: 60_000 }, g.send);
  await b.write(meta, 'stdout', ['first']);
  await sleep(10);
  assert.is(g.sent.length, 1);
  await b.write(meta, 'stdout', ['second']);
  await sleep(5);
  await b.write(meta, 'stdout', ['third']);
  await sleep(10);
  assert.is(g.sent.length, 1, 'nothing more is sent while the slot is taken');
  g.releaseAll();
  await tick();
  assert.equal(
    g.sent.slice(1).map((x) => x.lines.map((l) => l.text)),
    [['second', 'third']],
  );
  g.releaseAll();
  await b.flush();
});

test('write stops resolving while the deployment queue is full, and resumes as publishes complete', async () => {
  const g = gate();
  const b = new LogBatcher(options, g.send);
  // 2 in flight + 2 queued is the budget; the fifth batch must make the writer wait.
  for (let i = 0; i < 4; i++)
    await b.write(
      meta,
      'stdout',
      Array.from({ length: 100 }, () => 'x'),
    );
  let resolved = false;
  const blocked = b
    .write(
      meta,
      'stdout',
      Array.from({ length: 101 }, () => 'y'),
    )
    .then(() => (resolved = true));
  await tick();
  assert.is(g.sent.length, 2, 'only maxInFlight sends started');
  assert.is(resolved, false, 'the producer waits instead of the batcher growing');
  g.releaseAll();
  await blocked;
  assert.ok(resolved);
  const flushed = b.flush();
  for (let i = 0; i < 20 && g.pending.length > 0; i++) {
    g.releaseAll();
    await tick();
  }
  await flushed;
  assert.is(
    g.sent.reduce((n, x) => n + x.lines.length, 0),
    501,
    'no line dropped',
  );
});

test('platform events are sent even while stdout has every slot taken', async () => {
  const g = gate();
  const b = new LogBatcher(options, g.send);
  for (let i = 0; i < 4; i++)
    void b.write(
      meta,
      'stdout',
      Array.from({ length: 100 }, () => 'flood'),
    );
  await tick();
  const stdoutSends = g.sent.length;
  await b.write(meta, 'compartment', ['stage: active']);
  await sleep(30);
  const events = g.sent.filter((x) => x.stream === 'compartment');
  assert.is(stdoutSends, 2);
  assert.is(events.length, 1, 'the event was sent while stdout sends were still outstanding');
  g.releaseAll();
});

test('long lines are truncated, explicit times are kept', async () => {
  const sent: LogBatch[] = [];
  const b = new LogBatcher(options, async (batch) => void sent.push(batch));
  await b.write(meta, 'stdout', [{ time: '2026-04-24T10:01:00Z', text: 'z'.repeat(5000) }]);
  await b.flush();
  const line = sent[0]!.lines[0]!;
  assert.is(line.time, '2026-04-24T10:01:00Z');
  assert.ok(line.text.length < 1100);
  assert.ok(line.text.endsWith('[truncated]'));
});

test('a send that fails for good makes flush reject instead of hanging', async () => {
  const b = new LogBatcher(options, async () => {
    throw new Error('connection closed');
  });
  await b.write(meta, 'stdout', ['x']);
  const error = await b.flush().catch((e: Error) => e);
  assert.instance(error, Error);
  assert.is((error as Error).message, 'connection closed');
});

test('release publishes what a finished deployment holds and forgets its lanes', async () => {
  const sent: LogBatch[] = [];
  const b = new LogBatcher({ ...options, flushMs: 60_000 }, async (batch) => void sent.push(batch));
  await b.write(meta, 'stdout', ['last words']);
  await b.write({ ...meta, deploymentId: 'other1' }, 'stdout', ['still running']);
  await b.release('dep001');
  assert.equal(
    sent.map((x) => x.lines[0]!.text),
    ['last words'],
  );
  await b.write(meta, 'stdout', ['after release']);
  await b.flush();
  assert.equal(sent.map((x) => x.lines[0]!.text).sort(), ['after release', 'last words', 'still running']);
});

test.run();
