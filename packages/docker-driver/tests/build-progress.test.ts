// Build progress events as the classic builder sends them (recorded from Docker 20.10): lines, image id, the failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BuildProgress } from '../build-progress.js';
import { MAX_LOG_LINE } from '../../protocol/index.js';

const feed = (p: BuildProgress, events: object[]) => events.flatMap((e) => p.push(e));

test('a chunk that ends mid-line is completed by the next one; blank lines and arrows without ids are kept readable', () => {
  const p = new BuildProgress();
  const lines = feed(p, [
    { stream: 'Step 1/2 : FROM scratch' },
    { stream: '\n' },
    { stream: ' ---> \n' },
    { stream: 'Step 2/2 : COPY busybox /bin/busybox' },
    { stream: '\n' },
    { stream: ' ---> d979025b3b7b\n' },
    { aux: { ID: 'sha256:b61df9fb4f8b' } },
    { stream: 'Successfully built b61df9fb4f8b\n' },
  ]);
  assert.equal(lines, [
    'Step 1/2 : FROM scratch',
    ' ---> ',
    'Step 2/2 : COPY busybox /bin/busybox',
    ' ---> d979025b3b7b',
    'Successfully built b61df9fb4f8b',
  ]);
  assert.is(p.imageId, 'sha256:b61df9fb4f8b');
  assert.is(p.error, null);
  assert.equal(p.end(), []);
});

test("a failed RUN: its stderr is de-coloured, and the last event's errorDetail is Docker's message", () => {
  const p = new BuildProgress();
  const lines = feed(p, [
    { stream: ' ---> Running in fd0424339d1c\n' },
    { stream: '\u001b[91moops\n\u001b[0m' },
    { stream: 'Removing intermediate container fd0424339d1c\n' },
    {
      errorDetail: { code: 3, message: "The command '/bin/busybox sh -c exit 3' returned a non-zero code: 3" },
      error: "The command '/bin/busybox sh -c exit 3' returned a non-zero code: 3",
    },
  ]);
  assert.equal(lines, [' ---> Running in fd0424339d1c', 'oops', 'Removing intermediate container fd0424339d1c']);
  assert.is(p.error, "The command '/bin/busybox sh -c exit 3' returned a non-zero code: 3");
  assert.is(p.imageId, null);
});

test('an error with only the `error` field still counts; output without a final newline comes out at the end', () => {
  const p = new BuildProgress();
  assert.equal(feed(p, [{ stream: 'half a line' }]), []);
  assert.equal(p.end(), ['half a line']);
  p.push({ error: 'COPY failed: file not found in build context\n' });
  assert.is(p.error, 'COPY failed: file not found in build context');
});

test('pull status lines appear once; progress-bar updates do not', () => {
  const p = new BuildProgress();
  const lines = feed(p, [
    { status: 'Pulling from library/alpine', id: 'latest' },
    { status: 'Downloading', id: 'abc', progressDetail: { current: 10, total: 100 } },
    { status: 'Pull complete', id: 'abc', progressDetail: {} },
  ]);
  assert.equal(lines, ['latest: Pulling from library/alpine', 'abc: Pull complete']);
});

test('a build printing without newlines is emitted in bounded parts, not buffered', () => {
  const p = new BuildProgress();
  const lines = feed(
    p,
    Array.from({ length: 40 }, () => ({ stream: 'y'.repeat(16 * 1024) })),
  );
  assert.ok(lines.length >= 19, `${lines.length} parts before the end`);
  assert.ok(lines.every((l) => l.length <= MAX_LOG_LINE));
  assert.is(lines.join('').length + p.end().join('').length, 40 * 16 * 1024);
});

test.run();
