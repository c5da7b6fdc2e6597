// A newer deploy supersedes one that has not switched; racing deploys never leave two active or none routed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 's0' }));
const all = () => project.json<DeploymentRecord[]>(['status', '--all']);

test.before(async () => {
  await project.up();
  await project.ok(['deploy']);
});
test.after(() => project.remove());

test('deploy A, then B while A is building → A failed "superseded by B", B active', async () => {
  project.write(webProject({ version: 'A', build: 'sleep 5' }));
  await project.ok(['deploy', '--detach']);
  const a = await waitFor(
    'A building',
    async () => (await all()).find((r) => r.status === 'running' && r.promotionStage === 'building'),
    15_000,
  );
  project.write(webProject({ version: 'B' }));
  await project.ok(['deploy']);
  const records = await all();
  const b = records.find((r) => r.isActive)!;
  const aAfter = await waitFor('A ended', async () => {
    const r = await project.json<DeploymentRecord>(['inspect', a.id]);
    return r.status === 'failed' ? r : null;
  });
  assert.equal(
    [aAfter.promotionStage, aAfter.failureMessage, aAfter.replacedBy],
    ['building', `superseded by ${b.id}`, null],
  );
  assert.match(await (await fetch(b.routeUrl!)).text(), /^version=B /);
});

test('two deploy commands racing on the same service leave exactly one active deployment, and it is routed', async () => {
  project.write(webProject({ version: 'race' }));
  const [x, y] = await Promise.all([project.cli(['deploy', '--force']), project.cli(['deploy', '--force'])]);
  assert.ok(
    [x.code, y.code].includes(0),
    `at least one deploy succeeded\n${x.stdout}${x.stderr}\n${y.stdout}${y.stderr}`,
  );
  const records = await all();
  const active = records.filter((r) => r.isActive);
  assert.is(active.length, 1, 'exactly one active');
  assert.equal(
    records.filter((r) => r.status === 'running' || r.status === 'queued'),
    [],
    'nothing left in flight',
  );
  assert.match(await (await fetch(active[0]!.routeUrl!)).text(), /^version=race /);
});

test('status --all lists the history with outcomes and times', async () => {
  const records = await all();
  assert.ok(records.length >= 5);
  for (const r of records)
    assert.ok(r.completedAt !== null && ['succeeded', 'failed'].includes(r.status), `${r.id} finished`);
  const text = await project.ok(['status', '--all']);
  assert.match(text, /failed/);
  assert.match(text, /succeeded/);
});

test.run();
