// Real-file tests of the log tailer: resume without duplicates, partial lines, truncation, crashes mid-batch, a 100k-line flood.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from './driver-fixture.js';
import { waitFor } from '../harness/wait.js';
import { LogTailer, type TailBatch } from '../../packages/process-driver/index.js';

const sb = new Sandbox();
test.after(() => sb.cleanup());

let n = 0;
const logFile = () => {
  const file = join(sb.tmp.path, `log-${++n}.log`);
  writeFileSync(file, '');
  return file;
};
const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');
const collector = () => {
  const batches: TailBatch[] = [];
  const texts = () => batches.flatMap((b) => b.lines.map((l) => l.text));
  return { batches, texts, onBatch: (b: TailBatch) => void batches.push(b) };
};

test('a new tailer resumes at the persisted offset: nothing lost, nothing repeated, partial lines wait', async () => {
  const file = logFile();
  appendFileSync(file, lines(1, 10));
  const a = collector();
  const first = new LogTailer({ file, onBatch: a.onBatch });
  await first.start();
  assert.is(a.texts().length, 10);
  appendFileSync(file, lines(11, 12));
  await waitFor('lines 11-12', () => a.texts().length === 12);
  await first.close();

  appendFileSync(file, `${lines(13, 20)}unfinished `);
  const b = collector();
  const second = new LogTailer({ file, onBatch: b.onBatch, partialFlushMs: 60_000 });
  await second.start();
  assert.equal(b.texts(), lines(13, 20).trim().split('\n'));
  assert.ok(b.batches.every((x) => x.lines.every((l) => !Number.isNaN(Date.parse(l.time)))));
  appendFileSync(file, 'line\n');
  await waitFor('the finished line', () => b.texts().length === 9);
  assert.is(b.texts()[8], 'unfinished line');
  await second.close();
  assert.is(
    a
      .texts()
      .concat(b.texts())
      .filter((t) => t.startsWith('line ')).length,
    20,
  );
});

test('an unfinished last line is emitted after a quiet spell, or at once on flush', async () => {
  const file = logFile();
  appendFileSync(file, 'no newline yet');
  const c = collector();
  const tailer = new LogTailer({ file, onBatch: c.onBatch, pollMs: 20, partialFlushMs: 100 });
  await tailer.start();
  assert.equal(c.texts(), []);
  await waitFor('the quiet partial line', () => c.texts().length === 1);
  assert.equal(c.texts(), ['no newline yet']);
  appendFileSync(file, 'tail');
  await tailer.flush();
  assert.equal(c.texts(), ['no newline yet', 'tail']);
  await tailer.close();
});

test('a crash before the position is saved re-sends the same batch with the same id', async () => {
  const file = logFile();
  appendFileSync(file, lines(1, 5));
  const errors: unknown[] = [];
  const crashing = new LogTailer({
    file,
    maxBatchLines: 2,
    onBatch: (b) => {
      if (b.lines[0].text === 'line 3') throw new Error('agent died here');
    },
    onError: (e) => errors.push(e),
  });
  await crashing.start();
  await crashing.close();
  assert.is(errors.length, 1);
  const c = collector();
  const after = new LogTailer({ file, maxBatchLines: 2, onBatch: c.onBatch });
  await after.start();
  assert.equal(c.texts(), ['line 3', 'line 4', 'line 5']);
  assert.is(c.batches[0].id, `0:${'line 1\nline 2\n'.length}`);
  await after.close();
});

test('a large, fully read log is truncated and tailing goes on in the next generation', async () => {
  const file = logFile();
  appendFileSync(file, lines(1, 2000));
  const c = collector();
  const tailer = new LogTailer({ file, onBatch: c.onBatch, rotateBytes: 10_000, pollMs: 20 });
  await tailer.start();
  await waitFor('the truncation', () => statSync(file).size === 0);
  appendFileSync(file, lines(2001, 2010));
  await waitFor('the lines after truncation', () => c.texts().length === 2010);
  assert.equal(c.texts().slice(-2), ['line 2009', 'line 2010']);
  assert.ok(c.batches.at(-1)!.id.startsWith('1:'));
  await tailer.close();
  const state = JSON.parse(readFileSync(`${file}.offset.json`, 'utf8'));
  assert.equal([state.generation, state.offset], [1, lines(2001, 2010).length]);
});

test('an interrupted truncation is resolved on restart: not truncated → resume, truncated → start over', async () => {
  const file = logFile();
  appendFileSync(file, lines(1, 100));
  const c = collector();
  const t1 = new LogTailer({ file, onBatch: c.onBatch });
  await t1.start();
  await t1.close();
  const stateFile = `${file}.offset.json`;
  const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
  const { createHash } = await import('node:crypto');
  const content = readFileSync(file);
  const tailHash = createHash('sha1')
    .update(content.subarray(content.length - 256))
    .digest('hex');
  // Intent written, truncate never happened, the app wrote more.
  writeFileSync(stateFile, JSON.stringify({ ...saved, truncating: { at: saved.offset, tailHash } }));
  appendFileSync(file, lines(101, 102));
  const d = collector();
  const t2 = new LogTailer({ file, onBatch: d.onBatch });
  await t2.start();
  assert.equal(d.texts(), ['line 101', 'line 102']);
  await t2.close();
  // Intent written, truncate happened, the app wrote more than before.
  const s2 = JSON.parse(readFileSync(stateFile, 'utf8'));
  const all = readFileSync(file);
  writeFileSync(
    stateFile,
    JSON.stringify({
      ...s2,
      truncating: {
        at: s2.offset,
        tailHash: createHash('sha1')
          .update(all.subarray(all.length - 256))
          .digest('hex'),
      },
    }),
  );
  writeFileSync(file, lines(500, 700));
  const e = collector();
  const t3 = new LogTailer({ file, onBatch: e.onBatch });
  await t3.start();
  assert.is(e.texts()[0], 'line 500');
  assert.is(e.texts().length, 201);
  await t3.close();
});

test('a 100k-line flood from a real workload is tailed completely, in order', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver, {
    'flood.mjs': `let s = ''; for (let i = 1; i <= 100000; i++) { s += 'flood line ' + i + '\\n'; if (i % 5000 === 0) { process.stdout.write(s); s = ''; } } console.error('done');`,
  });
  let count = 0;
  let next = 1;
  let firstAt = 0;
  const tail = await driver.tailLogs(
    key,
    (stream, batch) => {
      if (stream !== 'stdout') return;
      if (firstAt === 0) firstAt = performance.now();
      for (const l of batch.lines) {
        if (l.text !== `flood line ${next}`) throw new Error(`expected line ${next}, got ${l.text}`);
        next++;
        count++;
      }
    },
    { onError: (e) => console.error(e) },
  );
  const t0 = performance.now();
  const started = await driver.start(key, { command: 'node flood.mjs', env: {} });
  sb.pgids.add(started.pid);
  await waitFor('100k lines', () => count === 100_000, 30_000, 20);
  const ms = performance.now() - t0;
  console.log(
    `    tailed 100000 lines in ${ms.toFixed(0)} ms from start (${Math.round(100_000 / (ms / 1000))} lines/s incl. node startup)`,
  );
  await tail.close();
  assert.is(count, 100_000);
});

test.run();
