// Real-process tests of start, adopt, watch and stop, in this process and across a SIGKILLed agent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { Sandbox, getJson, newKey } from './driver-fixture.js';
import { waitFor } from '../harness/wait.js';
import { readStat } from '../../packages/process-driver/proc-stat.js';
import type { ExitInfo, ProcessDriver, WorkloadKey } from '../../packages/process-driver/index.js';

const sb = new Sandbox();
test.after(() => sb.cleanup());

const START = { command: 'exec node server.mjs', env: { GREETING: 'hi' } };
const live = async (pid: number) => {
  const s = await readStat(pid);
  return s !== null && s.state !== 'Z';
};
const exitOf = (driver: ProcessDriver, key: WorkloadKey) =>
  new Promise<ExitInfo>((resolve) => driver.watch(key, resolve));

test('start runs the app on a free port with the given env; a re-run adopts it with the same answer', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const started = await driver.start(key, START);
  sb.pgids.add(started.pid);
  assert.is(started.host, '127.0.0.1');
  assert.match(started.ref, /^\d+:\d+$/);
  const body = await waitFor('the app to answer', () => getJson(started.port).catch(() => null));
  assert.is(body.greeting, 'hi');
  const again = await driver.start(key, START);
  assert.ok(again.adopted);
  assert.equal({ ...again, adopted: false }, started);
  const record = JSON.parse(readFileSync(join(driver.releaseDir(key), 'workload.json'), 'utf8'));
  assert.is(record.pid, started.pid);
  assert.is(`${record.pid}:${record.startTime}`, started.ref);
  await waitFor('the log line', () =>
    readFileSync(join(driver.releaseDir(key), 'stdout.log'), 'utf8').includes(`listening on ${started.port}`),
  );
  const stopped = await driver.stop(key, 5_000);
  assert.equal([stopped.wasRunning, stopped.signal], [true, 'SIGTERM']);
  assert.not.ok(await live(started.pid));
  const twice = await driver.stop(key, 5_000);
  assert.equal([twice.wasRunning, twice.signal], [false, null]);
});

test('slots: two workloads of one release run side by side, each with its own port, files and stop; prune keeps a release any slot runs', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver, {}, newKey('slots'));
  const slot = { ...key, slot: 2 };
  const [zero, two] = [await driver.start(key, START), await driver.start(slot, START)];
  sb.pgids.add(zero.pid);
  sb.pgids.add(two.pid);
  assert.is.not(zero.port, two.port);
  assert.is.not(zero.pid, two.pid);
  const [a, b] = await Promise.all(
    [zero.port, two.port].map((port) => waitFor('both answer', () => getJson(port).catch(() => null))),
  );
  assert.is.not(a.pid, b.pid, 'two processes answer');
  const record = JSON.parse(readFileSync(join(driver.releaseDir(key), 'slot-2', 'workload.json'), 'utf8'));
  assert.equal([record.pid, record.slot], [two.pid, 2]);
  assert.equal(await driver.slots(key), [2]);
  const listed = (await driver.list()).filter((w) => w.deploymentId === key.deploymentId);
  assert.equal(listed.map((w) => [w.slot ?? 0, w.running]).sort(), [
    [0, true],
    [2, true],
  ]);
  // Adopting is per slot: a second start of slot 2 answers with slot 2's process.
  assert.is((await driver.start(slot, START)).pid, two.pid);
  await driver.stop(key, 5_000);
  assert.not.ok(await live(zero.pid));
  assert.ok(await live(two.pid), 'slot 2 runs on after slot 0 stopped');
  assert.equal(await driver.prune(key.env, key.service, []), [], 'a release whose slot 2 runs is kept');
  await driver.stop(slot, 5_000);
  assert.not.ok(await live(two.pid));
  assert.equal(await driver.prune(key.env, key.service, []), [key.deploymentId]);
});

test('watch reports an own child exit once with its code and last stderr line', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const started = await driver.start(key, START);
  sb.pgids.add(started.pid);
  await waitFor('the app to answer', () => getJson(started.port).catch(() => null));
  const calls: ExitInfo[] = [];
  driver.watch(key, (e) => calls.push(e));
  await fetch(`http://127.0.0.1:${started.port}/exit?code=7`).then((r) => r.text());
  await waitFor('the exit report', () => calls.length > 0);
  assert.equal(calls[0], { code: 7, signal: null, lastError: 'fatal: asked to exit with 7' });
  // A watch that starts after the exit reports at once, the same way.
  assert.equal(await exitOf(sb.driver(), key), calls[0]);
  assert.is(calls.length, 1);
  assert.not.ok((await driver.status(key))!.running);
});

test('a command that is not found exits 127 and says so on stderr', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const started = await driver.start(key, { command: 'no-such-program-here', env: {} });
  const exit = await exitOf(driver, key);
  assert.is(exit.code, 127);
  assert.match(exit.lastError ?? '', /not found/);
  assert.ok(started.port > 0);
});

test('a workload outlives a SIGKILLed agent; a fresh driver adopts it, sees its exit by polling, and stops a restart', async () => {
  const key = await sb.release(sb.driver(), { 'agent.mjs': agentScript() });
  const dir = sb.driver().releaseDir(key);
  const agent = spawn(
    process.execPath,
    [
      join(dir, 'app/agent.mjs'),
      sb.dataDir,
      JSON.stringify(key),
      JSON.stringify({ ...START, env: { ...START.env, TICK: '1' } }),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  sb.pids.add(agent.pid!);
  const [line] = (await once(agent.stdout, 'data')) as [Buffer];
  const first = JSON.parse(line.toString());
  sb.pgids.add(first.pid);
  agent.kill('SIGKILL');
  await once(agent, 'exit');

  // The app keeps running and logging with its agent gone (no pipe, no EPIPE).
  const stdout = join(dir, 'stdout.log');
  const size = statSync(stdout).size;
  await waitFor('more ticks after the agent died', () => statSync(stdout).size > size + 100);
  assert.is((await getJson(first.port)).greeting, 'hi');

  const driver = sb.driver();
  const listed = (await driver.list()).find((w) => w.deploymentId === key.deploymentId);
  assert.equal([listed?.running, listed?.ref, listed?.port], [true, first.ref, first.port]);
  const adopted = await driver.start(key, START);
  assert.equal([adopted.adopted, adopted.ref, adopted.port], [true, first.ref, first.port]);

  const exit = exitOf(driver, key);
  await fetch(`http://127.0.0.1:${first.port}/exit?code=4`).then((r) => r.text());
  assert.equal(await exit, { code: 4, signal: null, lastError: 'fatal: asked to exit with 4' });
  assert.not.ok((await driver.list()).find((w) => w.deploymentId === key.deploymentId)?.running);

  // Restarted by another agent, then stopped by a third one that never spawned it.
  const restarted = await sb.driver().start(key, START);
  sb.pgids.add(restarted.pid);
  assert.not.ok(restarted.adopted);
  assert.is.not(restarted.ref, first.ref);
  await waitFor('the restarted app', () => getJson(restarted.port).catch(() => null));
  const third = sb.driver();
  const watched = exitOf(third, key);
  const stopped = await third.stop(key, 5_000);
  assert.equal([stopped.wasRunning, stopped.signal], [true, 'SIGTERM']);
  assert.equal(await watched, { code: 0, signal: null, lastError: 'fatal: asked to exit with 4' });
  assert.not.ok(await live(restarted.pid));
});

test('a workload that ignores SIGTERM is SIGKILLed after the grace period', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const started = await driver.start(key, { command: 'node server.mjs', env: { IGNORE_TERM: '1' } });
  sb.pgids.add(started.pid);
  await waitFor('the app to answer', () => getJson(started.port).catch(() => null));
  const app = (await getJson(started.port)).pid;
  const exit = exitOf(driver, key);
  const t0 = Date.now();
  const stopped = await driver.stop(key, 400);
  assert.ok(Date.now() - t0 >= 400, 'waited out the grace period first');
  assert.equal([stopped.wasRunning, stopped.signal], [true, 'SIGKILL']);
  assert.ok(readFileSync(join(driver.releaseDir(key), 'stdout.log'), 'utf8').includes('got SIGTERM'));
  assert.not.ok(await live(app));
  assert.not.ok(await live(started.pid));
  assert.is((await exit).signal, 'SIGKILL');
});

test('a pid reused by another process is not adopted, watched or stopped', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  sb.pgids.add(stranger.pid!);
  const strangerStat = await readStat(stranger.pid!);
  // The record says "ours had this pid", but ours started earlier: the pid has been reused since.
  const recordPath = join(driver.releaseDir(key), 'workload.json');
  writeFileSync(
    recordPath,
    JSON.stringify({
      ...key,
      command: START.command,
      host: '127.0.0.1',
      port: 1,
      pid: stranger.pid,
      startTime: strangerStat!.startTime - 1,
      startedAt: new Date().toISOString(),
    }),
  );
  assert.not.ok((await driver.status(key))!.running);
  assert.equal(await exitOf(driver, key), { code: null, signal: null, lastError: null });
  assert.equal((await driver.stop(key, 0)).wasRunning, false);
  assert.ok(await live(stranger.pid!));

  const started = await driver.start(key, START);
  sb.pgids.add(started.pid);
  assert.not.ok(started.adopted);
  assert.is.not(started.pid, stranger.pid);
  await waitFor('the new app', () => getJson(started.port).catch(() => null));
  await driver.stop(key, 5_000);
  assert.ok(await live(stranger.pid!));
  stranger.kill('SIGKILL');
});

test('an agent that died between spawn and record is recovered from the wrapper pid file', async () => {
  const driver = sb.driver();
  const key = await sb.release(driver);
  const started = await driver.start(key, START);
  sb.pgids.add(started.pid);
  const recordPath = join(driver.releaseDir(key), 'workload.json');
  const record = JSON.parse(readFileSync(recordPath, 'utf8'));
  writeFileSync(recordPath, JSON.stringify({ ...record, pid: null, startTime: null }));
  const again = await sb.driver().start(key, START);
  assert.equal([again.adopted, again.ref, again.port], [true, started.ref, started.port]);
  assert.equal((await driver.stop(key, 5_000)).wasRunning, true);
});

function agentScript(): string {
  const driverUrl = new URL('../../packages/process-driver/index.js', import.meta.url).href;
  return `
import { ProcessDriver } from ${JSON.stringify(driverUrl)};
const [dataDir, key, opts] = process.argv.slice(2);
const driver = new ProcessDriver({ dataDir });
const started = await driver.start(JSON.parse(key), JSON.parse(opts));
process.stdout.write(JSON.stringify(started) + '\\n');
setInterval(() => {}, 1000);
`;
}

test.run();
