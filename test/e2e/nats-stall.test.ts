// nats-server frozen (SIGSTOP) for 6 s while a deployment is in switching_route: the deployment completes once NATS is
// back, its record is not left stale, and the next deploy succeeds. Real nats-server, real agent and edge.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { sleep, waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 'one' }));
let url = '';
const stopped = new Set<number>();
const signal = (pid: number, sig: 'SIGSTOP' | 'SIGCONT') => {
  process.kill(pid, sig);
  if (sig === 'SIGSTOP') stopped.add(pid);
  else stopped.delete(pid);
};

test.before(async () => {
  url = await project.upAndDeploy();
});
test.after(async () => {
  for (const pid of stopped) process.kill(pid, 'SIGCONT');
  await project.remove();
});

const records = () => project.json<DeploymentRecord[]>(['status', '--all']);

test('a deployment in switching_route survives a 6 s NATS freeze and completes; the next deploy succeeds', async () => {
  const { nats, edge } = project.context().children;
  assert.ok(nats && edge, 'up started nats-server and an edge');
  const known = new Set((await records()).map((r) => r.id));
  project.write({ 'web/version.txt': 'two' });
  // A frozen edge never confirms the switch, so the deployment stays in switching_route for the 10 s confirm window.
  signal(edge, 'SIGSTOP');
  await project.ok(['deploy', '--detach']);
  const switching = await waitFor(
    'the new deployment is in switching_route',
    async () => (await records()).find((r) => !known.has(r.id) && r.promotionStage === 'switching_route'),
    30_000,
    200,
  );
  // Freeze NATS so the confirm window ends inside the freeze: the switch's completion and its record writes meet a dead server.
  await sleep(3_000);
  signal(nats, 'SIGSTOP');
  await sleep(6_000);
  signal(nats, 'SIGCONT');
  signal(edge, 'SIGCONT');

  const done = await waitFor(
    'the deployment finished',
    async () => {
      const r = (await records()).find((x) => x.id === switching.id);
      return r && (r.status === 'succeeded' || r.status === 'failed') ? r : null;
    },
    60_000,
    250,
  );
  assert.is(done.failureMessage, null, 'it did not fail');
  assert.equal([done.status, done.promotionStage, done.isActive], ['succeeded', 'active', true]);
  await waitFor(
    'traffic reaches the new build',
    async () => /^version=two /.test(await (await fetch(url)).text()),
    20_000,
    100,
  );
  const retried = project
    .log('node')
    .split('\n')
    .filter((l) => /could not persist deployment .* retrying/.test(l)).length;
  console.log(`  record writes retried during the freeze: ${retried}`);

  project.write({ 'web/version.txt': 'three' });
  await project.ok(['deploy'], { timeoutMs: 90_000 });
  const active = (await project.json<DeploymentRecord[]>(['status'])).filter((r) => r.isActive);
  assert.is(active.length, 1);
  await waitFor(
    'traffic reaches the third build',
    async () => /^version=three /.test(await (await fetch(url)).text()),
    20_000,
    100,
  );
  assert.ok(
    (await records()).every((r) => r.status !== 'running' && r.status !== 'queued'),
    'no record is left in flight',
  );
});

test.run();
