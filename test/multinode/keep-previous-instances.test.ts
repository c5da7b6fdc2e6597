// keepPrevious with an instance set on three nodes: every instance of the previous set runs on, and a rollback adopts them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Project } from '../harness/project.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { startClusterProject } from '../harness/cluster-project.js';
import { waitFor } from '../harness/wait.js';
import { WEB_APP } from '../e2e/apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const yaml = (windowMs: number) =>
  [
    'services:',
    '  web:',
    '    path: ./app',
    '    start: node server.js',
    '    instances: 3',
    '    readiness: { path: /ready, intervalMs: 50, timeoutMs: 20000 }',
    `    autoRevert: { windowMs: ${windowMs}, keepPrevious: true }`,
    '    stop: { graceMs: 3000 }',
    '',
  ].join('\n');
const files = (version: string, windowMs = 60_000) => ({
  'compartment.yaml': yaml(windowMs),
  'app/server.js': WEB_APP,
  'app/version.txt': version,
});

let cluster: LocalCluster;
let project: Project;

test.before(async () => {
  ({ cluster, project } = await startClusterProject(3, files('v1')));
});
test.after(async () => {
  await project?.remove();
  await cluster?.dispose();
});

const active = async () => (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
/** What each instance of a set answers directly (its version and pid), by address. */
async function answers(r: DeploymentRecord): Promise<string[]> {
  return Promise.all(
    r.instances!.list.map(async (i) =>
      (await (await fetch(`http://${i.host}:${i.port}/`)).text()).trim().replace(/^version=/, `${i.nodeId} `),
    ),
  );
}

test('the previous set runs on without traffic on every node; a rollback switches back to the same processes; after the window they stop', async () => {
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const v1 = await active();
  const before = await answers(v1);
  assert.is(new Set(v1.instances!.list.map((i) => i.nodeId)).size, 3, 'one instance per node');
  project.write(files('v2'));
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const kept = await project.json<DeploymentRecord>(['inspect', v1.id]);
  assert.equal([kept.state.stage, kept.isActive], ['active.kept', false]);
  assert.equal(await answers(v1), before, 'every instance of the previous set still runs');
  await project.ok(['rollback', '--service', 'web'], { timeoutMs: 180_000 });
  const back = await active();
  assert.is(back.id, v1.id);
  assert.equal(await answers(back), before, 'the same processes serve again');
  // A deploy with a short window: the set it replaced is stopped on every node when the window ends.
  project.write(files('v3', 2_000));
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  await waitFor(
    'stopped',
    async () => (await project.json<DeploymentRecord>(['inspect', v1.id])).state.stage === 'active.standby',
    30_000,
    200,
  );
  for (const i of back.instances!.list)
    await waitFor(
      `${i.nodeId}'s instance stopped`,
      () =>
        fetch(`http://${i.host}:${i.port}/`).then(
          () => null,
          () => true,
        ),
      15_000,
      100,
    );
});

test.run();
