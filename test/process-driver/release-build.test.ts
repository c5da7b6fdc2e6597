// Real-process tests of release extraction, pruning and builds: streaming output, failure messages, re-runs, abort.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createReadStream, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox, makeTarball, newKey } from './driver-fixture.js';
import { waitFor } from '../harness/wait.js';
import { readStat } from '../../packages/process-driver/proc-stat.js';

const sb = new Sandbox();
test.after(() => sb.cleanup());

const liveProcess = async (pid: number) => {
  const s = await readStat(pid);
  return s !== null && s.state !== 'Z';
};

test('extract from a file and from a stream; extracting again is a no-op', async () => {
  const driver = sb.driver();
  const tarball = await makeTarball(sb.tmp.path, { 'a.txt': 'one', 'sub/b.txt': 'two' });
  const key = newKey();
  const first = await driver.extract(key, tarball);
  assert.ok(first.extracted);
  assert.is(readFileSync(join(first.dir, 'app/sub/b.txt'), 'utf8'), 'two');
  writeFileSync(join(first.dir, 'app/a.txt'), 'changed by the build');
  const again = await driver.extract(key, createReadStream(tarball));
  assert.not.ok(again.extracted);
  assert.is(readFileSync(join(first.dir, 'app/a.txt'), 'utf8'), 'changed by the build');

  const streamed = await driver.extract(newKey(), createReadStream(tarball));
  assert.ok(streamed.extracted);
  assert.is(readFileSync(join(streamed.dir, 'app/a.txt'), 'utf8'), 'one');
  assert.equal(
    readdirSync(join(first.dir, '..')).filter((n) => n.startsWith('.tmp-')),
    [],
  );
});

test('a broken tarball leaves no release dir behind', async () => {
  const driver = sb.driver();
  const bad = join(sb.tmp.path, 'bad.tar.gz');
  writeFileSync(bad, 'not a tarball at all'.repeat(100));
  const key = newKey('broken');
  await driver.extract(key, bad).then(
    () => assert.unreachable('should have failed'),
    (e: Error) => assert.instance(e, Error),
  );
  assert.not.ok(existsSync(driver.releaseDir(key)));
  assert.equal(readdirSync(join(driver.releaseDir(key), '..')), []);
});

test('build output lines arrive while the build runs', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const go = join(sb.tmp.path, 'go');
  const lines: string[] = [];
  // The build waits for a file the test creates only after it has seen the first line.
  const build = driver.build(key, {
    command: `echo "first $GREETING"; while [ ! -f "${go}" ]; do sleep 0.02; done; echo second >&2; echo third`,
    env: { GREETING: 'hello' },
    onLine: (stream, text) => lines.push(`${stream}:${text}`),
  });
  await waitFor('the first line', () => lines.includes('stdout:first hello'));
  assert.equal(lines, ['stdout:first hello']);
  writeFileSync(go, '');
  const result = await build;
  assert.not.ok(result.skipped);
  assert.equal(lines, ['stdout:first hello', 'stderr:second', 'stdout:third']);
});

test('a finished build is not run again', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const opts = { command: 'echo built >> count.txt', env: {} };
  await driver.build(key, opts);
  const second = await sb.driver().build(key, opts);
  assert.ok(second.skipped);
  assert.is(readFileSync(join(driver.releaseDir(key), 'app/count.txt'), 'utf8'), 'built\n');
});

test('a failing build says its exit code and last stderr lines, and can be retried', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const err = await driver
    .build(key, {
      command: 'echo compiling; echo "warning: x" >&2; echo "error: missing module foo" >&2; exit 3',
      env: {},
    })
    .then(
      () => null,
      (e: Error) => e,
    );
  assert.ok(err);
  assert.match(err!.message, /exit code 3/);
  assert.match(err!.message, /error: missing module foo$/);
  assert.match(err!.message, /warning: x/);
  const retry = await driver.build(key, { command: 'true', env: {} });
  assert.not.ok(retry.skipped);
});

test('aborting a build kills its whole process group', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const ac = new AbortController();
  const lines: string[] = [];
  const build = driver.build(key, {
    command: 'sleep 30 & echo "child $!"; wait',
    env: {},
    signal: ac.signal,
    onLine: (_s, t) => lines.push(t),
  });
  const line = await waitFor('the child pid', () => lines.find((l) => l.startsWith('child ')));
  const child = Number(line.split(' ')[1]);
  sb.pgids.add(child);
  assert.ok(await liveProcess(child));
  ac.abort();
  const err = await build.then(
    () => null,
    (e: Error) => e,
  );
  assert.match(err?.message ?? '', /aborted/);
  await waitFor('the background child to die', async () => !(await liveProcess(child)), 5_000);
  assert.not.ok(existsSync(join(driver.releaseDir(key), 'build.ok')));
});

test('a build of a release that was never extracted fails clearly', async () => {
  const err = await sb
    .driver()
    .build(newKey(), { command: 'true', env: {} })
    .then(
      () => null,
      (e: Error) => e,
    );
  assert.match(err?.message ?? '', /not been extracted/);
});

test('prune removes old releases but keeps the kept ones and a running one', async () => {
  const driver = sb.driver();
  const [a, b, c] = [
    await sb.release(driver, {}, newKey('pruned')),
    await sb.release(driver, {}, newKey('pruned')),
    await sb.release(driver, {}, newKey('pruned')),
  ];
  const started = await driver.start(b, { command: 'exec sleep 30', env: {} });
  sb.pgids.add(started.pid);
  const removed = await driver.prune('production', 'pruned', [c.deploymentId]);
  assert.equal(removed, [a.deploymentId]);
  assert.not.ok(existsSync(driver.releaseDir(a)));
  assert.ok(existsSync(driver.releaseDir(b)));
  assert.ok(existsSync(driver.releaseDir(c)));
  await driver.stop(b, 1000);
  assert.equal(await driver.prune('production', 'pruned', [c.deploymentId]), [b.deploymentId]);
});

test.run();
