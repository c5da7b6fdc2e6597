// Rollback of a Docker service starts a new container from the kept image (no build); only the last 5 images are kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { startLoad } from '../e2e/load.js';
import { LABELS } from '../../packages/docker-driver/index.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { dockerProject, withBusybox } from './docker-apps.js';
import { containersOf, imagesOf, nodeIdOf, removeDockerObjects } from './docker-fixture.js';

const project = new Project(dockerProject({ version: 'r1' }));
withBusybox(project);
let nodeId: string | null = null;
let url = '';
const byVersion: Record<string, string> = {};

async function deployVersion(v: string): Promise<void> {
  project.write(dockerProject({ version: v }));
  await project.ok(['deploy']);
  const active = (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
  byVersion[v] = active.id;
  url = active.routeUrl!;
}

const served = async () => (await (await fetch(url)).text()).trim();
const imageIds = async () =>
  (await imagesOf(nodeId!, { [LABELS.service]: 'web' })).map((i) => i.Labels[LABELS.deployment]!).sort();

test.before(async () => {
  await project.up();
  nodeId = nodeIdOf(project.dir);
});
test.after(async () => {
  await project.remove();
  await removeDockerObjects(nodeId);
});

test('rollback starts the previous image in a new container, without a build, under load with 0 failed requests', async () => {
  for (const v of ['r1', 'r2', 'r3']) await deployVersion(v);
  assert.is(await served(), 'version=r3');
  const [before] = await containersOf(nodeId!, { [LABELS.deployment]: byVersion.r2! });
  assert.is(before, undefined, 'the previous container was removed when it was replaced');
  const load = startLoad(url, 50);
  await project.ok(['rollback', '--service', 'web']);
  const result = await load.stop();
  assert.is(await served(), 'version=r2');
  assert.ok(result.requests > 100, `${result.requests} requests`);
  assert.equal(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
  const r2 = await project.json<DeploymentRecord>(['inspect', byVersion.r2!]);
  const r3 = await project.json<DeploymentRecord>(['inspect', byVersion.r3!]);
  assert.equal([r2.promotionStage, r2.isActive], ['active', true]);
  assert.equal([r3.promotionStage, r3.isActive], ['rolled_back', false]);
  const events = await project.ok(['logs', '--deployment', byVersion.r2!, '--stream', 'compartment', '--tail', '1000']);
  const sinceRollback = events.slice(events.lastIndexOf('stage: starting_candidate'));
  assert.match(sinceRollback, /started container \w+ from compartment\/production\/web:/);
  assert.not.match(sinceRollback, /stage: building|build: |build complete/, 'no build event during the rollback');
  const output = await project.ok(['logs', '--deployment', byVersion.r2!, '--stream', 'stdout', '--tail', '1000']);
  assert.is(output.match(/Successfully built/g)?.length, 1, 'one build: the first deploy');
  const running = await containersOf(nodeId!, { [LABELS.service]: 'web' });
  assert.equal(
    running.map((c) => c.Labels[LABELS.deployment]),
    [byVersion.r2],
    'the rolled-back container is gone',
  );
});

test('the images of the last 5 activated deployments are kept, older ones (and the rolled-back one) removed', async () => {
  for (const v of ['r4', 'r5', 'r6', 'r7', 'r8']) await deployVersion(v);
  // Activated, newest first: r8 r7 r6 r5 r4 | r2 r1 — r3 was rolled back.
  const expected = ['r4', 'r5', 'r6', 'r7', 'r8'].map((v) => byVersion[v]!).sort();
  await waitFor(
    'old images pruned',
    async () => JSON.stringify(await imageIds()) === JSON.stringify(expected),
    20_000,
    200,
  ).catch(async (e) => {
    throw new Error(
      `${(e as Error).message}; images of ${(await imageIds()).join(' ')}, expected ${expected.join(' ')}`,
    );
  });
  // Rollback still works from the kept images.
  assert.is(await served(), 'version=r8');
  await project.ok(['rollback', '--service', 'web']);
  assert.is(await served(), 'version=r7');
});

test.run();
