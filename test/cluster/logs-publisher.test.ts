// The log publisher against a real nats-server: 100k stdout lines all arrive while platform events interleave.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogPublisher } from '../../cluster/index.js';
import { LogBatch, STREAMS, subjects } from '../../packages/protocol/index.js';
import { startFixture, type Fixture } from './fixture.js';

let fx: Fixture;

test.before(async () => {
  fx = await startFixture();
});
test.after(async () => {
  await fx?.dispose();
});

/** Every batch stored under `filter`, in stream order. */
async function readAll(filter: string): Promise<LogBatch[]> {
  const consumer = await fx.conn.js.consumers.get(STREAMS.logs, { filter_subjects: filter });
  const info = await fx.conn.jsm.streams.info(STREAMS.logs, { subjects_filter: filter });
  const expected = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  const out: LogBatch[] = [];
  if (expected === 0) return out;
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push(LogBatch.parse(m.json()));
    if (m.info.pending === 0) break;
  }
  return out;
}

test('100,000 stdout lines from one deployment all arrive, in order, while 200 platform events interleave', async () => {
  const meta = { deploymentId: 'flood001', serviceName: 'web', environmentName: 'production', nodeId: 'n1' };
  const publisher = new LogPublisher(fx.conn);
  const TOTAL = 100_000;
  const CHUNK = 250; // what a log-file reader would hand over per read
  const eventLatencies: number[] = [];
  // Stream subjects are plain subjects too: a core subscription sees each event batch as it is stored.
  const calledAt = new Map<string, number>();
  const arrival: number[] = [];
  const sub = fx.conn.nc.subscribe(subjects.logs('production', 'web', 'flood001', 'compartment'), {
    callback: (_e, m) => {
      for (const l of LogBatch.parse(m.json()).lines) arrival.push(performance.now() - calledAt.get(l.text)!);
    },
  });
  let producing = true;
  const started = performance.now();
  const events = (async () => {
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      calledAt.set(`event ${i}`, t);
      await publisher.event(meta, `event ${i}`);
      eventLatencies.push(performance.now() - t);
      if (producing) await sleep(1);
    }
  })();
  for (let i = 0; i < TOTAL; i += CHUNK) {
    await publisher.write(
      meta,
      'stdout',
      Array.from({ length: CHUNK }, (_, j) => `stdout line ${i + j} ${'.'.repeat(40)}`),
    );
  }
  producing = false;
  await events;
  await publisher.flush();
  const seconds = (performance.now() - started) / 1000;
  await fx.conn.nc.flush();
  sub.unsubscribe();

  const stdout = (await readAll(subjects.logs('production', 'web', 'flood001', 'stdout'))).flatMap((b) => b.lines);
  assert.is(stdout.length, TOTAL, 'every stdout line arrived');
  for (let i = 0; i < TOTAL; i += 997) assert.ok(stdout[i]!.text.startsWith(`stdout line ${i} `), `line ${i} in place`);
  assert.ok(stdout[TOTAL - 1]!.text.startsWith(`stdout line ${TOTAL - 1} `));
  const platform = (await readAll(subjects.logs('production', 'web', 'flood001', 'compartment'))).flatMap(
    (b) => b.lines,
  );
  assert.equal(
    platform.map((l) => l.text),
    Array.from({ length: 200 }, (_, i) => `event ${i}`),
  );
  const sorted = [...eventLatencies].sort((a, b) => a - b);
  const delivered = [...arrival].sort((a, b) => a - b);
  console.log(
    `  ${TOTAL} lines in ${seconds.toFixed(2)} s = ${Math.round(TOTAL / seconds)} lines/s; ` +
      `event accepted p50 ${sorted[100]!.toFixed(1)} ms max ${sorted[199]!.toFixed(1)} ms; ` +
      `event stored+delivered p50 ${delivered[100]!.toFixed(1)} ms p90 ${delivered[180]!.toFixed(1)} ms max ${delivered[199]!.toFixed(1)} ms (${delivered.length} seen)`,
  );
});

test('stderr and stdout of one deployment, and two deployments, keep their own subjects', async () => {
  const publisher = new LogPublisher(fx.conn);
  const a = { deploymentId: 'aaa001', serviceName: 'api', environmentName: 'staging', nodeId: null };
  const b = { deploymentId: 'bbb001', serviceName: 'api', environmentName: 'staging', nodeId: null };
  await Promise.all([
    publisher.write(a, 'stdout', ['a out']),
    publisher.write(a, 'stderr', ['a err']),
    publisher.write(b, 'stdout', ['b out']),
  ]);
  await publisher.close();
  const texts = async (s: string) => (await readAll(s)).flatMap((x) => x.lines.map((l) => l.text));
  assert.equal(await texts(subjects.logs('staging', 'api', 'aaa001', 'stdout')), ['a out']);
  assert.equal(await texts(subjects.logs('staging', 'api', 'aaa001', 'stderr')), ['a err']);
  assert.equal(await texts(subjects.logs('staging', 'api', 'bbb001', 'stdout')), ['b out']);
  const rejected = await publisher.write(a, 'stdout', ['late']).then(
    () => false,
    () => true,
  );
  assert.ok(rejected, 'a closed publisher refuses writes');
});

test('binary output whose JSON outgrows max_payload is split, not retried forever', async () => {
  const publisher = new LogPublisher(fx.conn);
  const meta = { deploymentId: 'binary01', serviceName: 'bin', environmentName: 'production', nodeId: null };
  // 20 lines of 30,000 control characters: ~180 KB each once escaped, ~3.6 MB in all.
  const lines = Array.from({ length: 20 }, (_, i) => `${i}:${'\u0000'.repeat(30_000)}`);
  await publisher.write(meta, 'stdout', lines);
  await publisher.flush();
  const stored = (await readAll(subjects.logs('production', 'bin', 'binary01', 'stdout'))).flatMap((b) => b.lines);
  assert.equal(
    stored.map((l) => l.text.split(':')[0]),
    lines.map((_, i) => String(i)),
    'every line, in order',
  );
  assert.ok(
    stored.every((l, i) => l.text === lines[i]),
    'each line fits a message on its own, so none was cut',
  );
});

test.run();
