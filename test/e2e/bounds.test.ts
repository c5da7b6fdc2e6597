// Bounded inputs and a bounded build against a real cluster: a hung build fails by its timeout, and each user-facing
// limit is refused with exit code 2 and the field named, before anything is created.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project, alive } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 'one' }));
const yaml = (web: string[]) =>
  [
    'services:',
    '  web:',
    '    path: ./web',
    '    start: node server.js',
    '    readiness: { path: /ready, intervalMs: 50, timeoutMs: 15000 }',
    ...web,
    '',
  ].join('\n');

test.before(async () => {
  await project.upAndDeploy();
});
test.after(() => project.remove());

const latest = async () =>
  (await project.json<DeploymentRecord[]>(['status', '--all'])).sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  )[0]!;

test('a hung build fails by its buildTimeoutMs and its processes are killed; the previous deployment stays active', async () => {
  // The build runs as the workload user (compartment-run, when the tests run as root): it may write only where anyone may.
  const pidDir = join(project.dir, 'pids');
  mkdirSync(pidDir);
  chmodSync(pidDir, 0o1777);
  const pidFile = join(pidDir, 'sleep.pid');
  project.write({
    'compartment.yaml': yaml([`    build: "sleep 3600 & echo $! > ${pidFile}; wait"`, '    buildTimeoutMs: 2000']),
  });
  const r = await project.cli(['deploy'], { timeoutMs: 60_000 });
  assert.is(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const record = await latest();
  assert.equal([record.status, record.promotionStage], ['failed', 'building']);
  assert.is(
    record.failureMessage,
    "build failed: timed out after 2000 ms (buildTimeoutMs); the build's processes were killed",
  );
  const sleepPid = Number(readFileSync(pidFile, 'utf8'));
  await waitFor('the build process group is gone', () => !alive(sleepPid), 5_000);
  const active = (await project.json<DeploymentRecord[]>(['status'])).filter((d) => d.isActive);
  assert.is(active.length, 1, 'the previous deployment still serves');
});

test('readiness path "/health check" is refused by config validation, naming the field', async () => {
  project.write({ 'compartment.yaml': yaml([]).replace('path: /ready', 'path: "/health check"') });
  const r = await project.cli(['deploy']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, 'services.web.readiness.path');
  assert.match(r.stderr, 'URL path');
});

test('a variable value over 64 KiB: env set and compartment.yaml both refuse it, naming it', async () => {
  const r = await project.cli(['env', 'set', `BIG=${'x'.repeat(64 * 1024 + 1)}`]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /value: too large: at most 65536 bytes/);
  assert.is((await project.cli(['env', 'set', `BIG=${'x'.repeat(64 * 1024)}`])).code, 0, 'exactly 64 KiB is accepted');
  project.write({ 'compartment.yaml': yaml(['    variables:', `      HUGE: "${'y'.repeat(64 * 1024 + 1)}"`]) });
  const d = await project.cli(['deploy']);
  assert.is(d.code, 2, d.stderr);
  assert.match(d.stderr, 'services.web.variables.HUGE');
});

test('logs --tail over 10,000 is refused naming tail; 10,000 is answered', async () => {
  const r = await project.cli(['logs', '--tail', '10001']);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /--tail .*0 to 10000/);
  assert.is((await project.cli(['logs', '--tail', '10000'])).code, 0);
});

test('nothing was created by the refused requests, and a good deploy still succeeds', async () => {
  const before = (await project.json<DeploymentRecord[]>(['status', '--all'])).length;
  project.write({ 'compartment.yaml': yaml([]), 'web/version.txt': 'two' });
  await project.ok(['deploy']);
  const all = await project.json<DeploymentRecord[]>(['status', '--all']);
  assert.is(all.length, before + 1);
  assert.is((await latest()).status, 'succeeded');
});

test.run();
