// Docker services: the release phase runs once in a container of the candidate's image; health checks after the switch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { dockerProject, withBusybox } from './docker-apps.js';
import { LABELS } from '../../packages/docker-driver/index.js';
import { containersOf, docker, nodeIdOf, removeDockerObjects } from './docker-fixture.js';

const RELEASE = `    release: 'echo "migrating $DB_URL to $(cat /www/version.txt)"; echo "release on stderr" >&2'`;
const project = new Project(dockerProject({ version: 'd1' }));
withBusybox(project);
let nodeId: string | null = null;
let url = '';

const latest = async () =>
  (await project.json<DeploymentRecord[]>(['status', '--all'])).sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  )[0]!;
const served = async () => (await (await fetch(url)).text()).trim();
const logs = (id: string, stream: string) =>
  project.ok(['logs', '--deployment', id, '--stream', stream, '--tail', '1000']);

test.before(async () => {
  url = await project.upAndDeploy();
  nodeId = nodeIdOf(project.dir);
});
test.after(async () => {
  await project.remove();
  await removeDockerObjects(nodeId);
});

test('release runs once in the candidate image with its variables, output on stdout/stderr; no container is left', async () => {
  project.write(dockerProject({ version: 'd2', extra: [RELEASE], variables: { DB_URL: 'postgres://db/app' } }));
  await project.ok(['deploy']);
  const d2 = await latest();
  assert.equal([d2.status, d2.isActive], ['succeeded', true]);
  assert.is(await served(), 'version=d2');
  const out = await logs(d2.id, 'stdout');
  assert.is(out.match(/migrating postgres:\/\/db\/app to d2/g)?.length, 1, out);
  assert.match(await logs(d2.id, 'stderr'), /release on stderr/);
  const events = await logs(d2.id, 'compartment');
  assert.match(events, /release: echo "migrating/);
  assert.match(events, /release complete/);
  assert.ok(events.indexOf('release complete') < events.indexOf('stage: starting_candidate'), 'before the candidate');
  const left = await docker.listContainers({ all: true, filters: { label: [`compartment.release=${d2.id}`] } });
  assert.is(left.length, 0, 'the release container is removed');
});

test('a failing release fails the deployment at building, naming its exit and stderr; the previous keeps serving', async () => {
  const failing = `    release: 'echo "migration 7 failed" >&2; exit 4'`;
  project.write(dockerProject({ version: 'd3', extra: [failing] }));
  const r = await project.cli(['deploy']);
  assert.is(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const d3 = await latest();
  assert.equal([d3.status, d3.promotionStage], ['failed', 'building']);
  assert.is(d3.failureMessage, 'build failed: release command failed: exit code 4: migration 7 failed');
  assert.is(await served(), 'version=d2');
});

test('keepPrevious with Docker: the previous container runs on without traffic; a rollback adopts that same container', async () => {
  const active = (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
  const running = async (id: string) =>
    (await containersOf(nodeId!, { [LABELS.deployment]: id })).filter((c) => c.State === 'running').map((c) => c.Id);
  const before = await running(active.id);
  assert.is(before.length, 1);
  project.write(dockerProject({ version: 'd5', extra: ['    autoRevert: { windowMs: 60000, keepPrevious: true }'] }));
  await project.ok(['deploy']);
  assert.is(await served(), 'version=d5');
  const kept = await project.json<DeploymentRecord>(['inspect', active.id]);
  assert.equal([kept.state.stage, kept.isActive], ['active.kept', false]);
  assert.equal(await running(active.id), before, 'still running, without traffic');
  await project.ok(['rollback', '--service', 'web']);
  assert.is(await served(), 'version=d2');
  assert.equal(await running(active.id), before, 'the same container serves again');
});

test('health checks run on a Docker workload: its health path failing turns it unhealthy and it is restarted', async () => {
  const health = '    health: { path: /ready, intervalMs: 200, failureThreshold: 3 }';
  project.write(dockerProject({ version: 'd4', extra: [health], variables: { UNHEALTHY_AFTER_S: '2' } }));
  await project.ok(['deploy']);
  const d4 = await latest();
  assert.is(d4.isActive, true);
  await waitFor(
    'unhealthy',
    async () => (await project.json<DeploymentRecord>(['inspect', d4.id])).health === 'unhealthy',
    60_000,
    100,
  );
  const events = await logs(d4.id, 'compartment');
  assert.match(events, /health check failed 3 times in a row \(last: GET \/ready → 404[^)]*\); restarting it/);
  assert.match(events, /health: unhealthy/);
});

test.run();
