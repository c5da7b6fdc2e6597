// keepPrevious: the replaced workload runs on without traffic for the revert window, so a revert is a route switch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import { startLoad } from './load.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const HEALTH = '    health: { path: /health, intervalMs: 200, failureThreshold: 3 }';
const keep = (windowMs: number) => `    autoRevert: { windowMs: ${windowMs}, keepPrevious: true }`;
const app = (version: string, windowMs = 60_000, variables: Record<string, string> = {}) =>
  webProject({ version, variables, extra: [HEALTH, keep(windowMs)] });
const project = new Project(app('k1'));
let url = '';

const active = async () => (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
const inspect = (id: string) => project.json<DeploymentRecord>(['inspect', id]);
const served = async () => (await (await fetch(url)).text()).trim();
const pidOf = (text: string) => Number(/pid=(\d+)/.exec(text)![1]);
/** Whether a process runs (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

test.before(async () => {
  url = await project.upAndDeploy();
});
test.after(() => project.remove());

test('a deploy keeps the previous workload running without traffic; inspect says until when', async () => {
  const first = await active();
  const firstPid = pidOf(await served());
  project.write(app('k2'));
  await project.ok(['deploy']);
  const second = await active();
  assert.match(await served(), /^version=k2 /);
  const kept = await inspect(first.id);
  assert.equal([kept.state.stage, kept.isActive], ['active.kept', false]);
  assert.ok(kept.keptUntil, 'the kept one says until when');
  assert.ok(alive(firstPid), 'the previous process still runs');
  assert.is((await inspect(second.id)).previousKeptUntil, kept.keptUntil);
  const text = await project.ok(['inspect', second.id]);
  assert.match(text, new RegExp(`previous +${first.id} \\(kept running without traffic until ${kept.keptUntil}\\)`));
  assert.match(await project.ok(['inspect', first.id]), /kept +running without traffic until .* \(revert window\)/);
});

test('an automatic revert within the window switches back to the same process: no new start, 0 failed requests', async () => {
  const good = await active();
  const goodPid = pidOf(await served());
  const load = startLoad(url, 20);
  project.write(app('k3', 60_000, { UNHEALTHY_AFTER_MS: '1500' }));
  const r = await project.cli(['deploy', '--wait-healthy'], { timeoutMs: 120_000 });
  const result = await load.stop();
  assert.is(r.code, 1, `reverted:\n${r.stdout}\n${r.stderr}`);
  const now = await active();
  assert.equal([now.id, now.trigger], [good.id, 'auto_revert']);
  assert.is(pidOf(await served()), goodPid, 'the kept process serves again');
  assert.ok(result.requests > 0);
  assert.equal(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
  const events = await project.ok(['logs', '--deployment', good.id, '--stream', 'compartment']);
  assert.is(events.match(/started: node server\.js/g)?.length, 1, 'started once, at its own deploy');
});

test('a manual rollback within the window is a route switch too; after the window the kept process is stopped', async () => {
  const before = await active();
  const beforePid = pidOf(await served());
  project.write(app('k4'));
  await project.ok(['deploy']);
  await project.ok(['rollback', '--service', 'web']);
  assert.equal([(await active()).id, pidOf(await served())], [before.id, beforePid]);
  // A short window: the replaced one is stopped when it ends.
  project.write(app('k5', 2_000));
  await project.ok(['deploy']);
  const k5 = await active();
  assert.ok((await inspect(k5.id)).previousKeptUntil);
  await waitFor(
    'the kept one stopped',
    async () => (await inspect(before.id)).state.stage === 'active.standby',
    30_000,
    100,
  );
  await waitFor('its process gone', async () => !alive(beforePid), 15_000, 100);
  assert.is((await inspect(before.id)).keptUntil, null);
});

test.run();
