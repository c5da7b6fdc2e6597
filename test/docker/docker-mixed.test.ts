// A process service and a Docker service in one compartment.yaml; and a node whose Docker engine does not answer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { WEB_APP } from '../e2e/apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { dockerService, dockerSources, withBusybox } from './docker-apps.js';
import { nodeIdOf, removeDockerObjects } from './docker-fixture.js';

const processService = [
  '  api:',
  '    path: ./api',
  '    start: node server.js',
  '    readiness: { path: /ready, intervalMs: 50, timeoutMs: 15000 }',
];
const yaml = (...services: string[][]) => ['services:', ...services.flat(), ''].join('\n');
const files = (version: string) => ({
  'compartment.yaml': yaml(processService, dockerService({ version })),
  'api/server.js': WEB_APP,
  'api/version.txt': 'p1',
  ...dockerSources({ version }),
});

const project = new Project(files('d1'));
withBusybox(project);
const noEngine = new Project(files('d1'));
withBusybox(noEngine);
const missingSocket = join(noEngine.dir, 'no-docker.sock');
let nodeId: string | null = null;

const byService = async (p: Project) =>
  Object.fromEntries((await p.json<DeploymentRecord[]>(['status'])).map((r) => [r.serviceName, r]));
const body = async (url: string) => (await (await fetch(url)).text()).trim();

test.after(async () => {
  await project.remove();
  await noEngine.remove();
  await removeDockerObjects(nodeId);
});

test('a process service and a Docker service deployed side by side from one compartment.yaml', async () => {
  await project.up();
  nodeId = nodeIdOf(project.dir);
  await project.ok(['deploy']);
  const first = await byService(project);
  assert.equal([first.api!.status, first.web!.status], ['succeeded', 'succeeded']);
  assert.is.not(first.api!.routeUrl, first.web!.routeUrl);
  assert.match(await body(first.api!.routeUrl!), /^version=p1 pid=\d+$/);
  assert.is(await body(first.web!.routeUrl!), 'version=d1');
  // Only the Docker service changed: only it gets a new deployment.
  project.write(files('d2'));
  await project.ok(['deploy']);
  const second = await byService(project);
  assert.is(second.api!.id, first.api!.id);
  assert.is.not(second.web!.id, first.web!.id);
  assert.is(await body(second.web!.routeUrl!), 'version=d2');
  assert.match(await body(second.api!.routeUrl!), /^version=p1 /);
});

test('no engine at the socket: the deploy is refused at once, naming the socket, and nothing is created', async () => {
  const up = await noEngine.cli(['up', '--detach'], { env: { DOCKER_HOST: `unix://${missingSocket}` } });
  assert.is(up.code, 0, up.stderr);
  const r = await noEngine.cli(['deploy']);
  assert.is(r.code, 1);
  assert.match(r.stderr, `service web: no Docker engine answers at ${missingSocket} (connect ENOENT`);
  assert.equal(await noEngine.json<DeploymentRecord[]>(['status', '--all']), []);
  // The node agent itself runs on without an engine: process services deploy.
  noEngine.write({ 'compartment.yaml': yaml(processService) });
  await noEngine.ok(['deploy']);
  assert.match(await body((await byService(noEngine)).api!.routeUrl!), /^version=p1 /);
});

test.run();
