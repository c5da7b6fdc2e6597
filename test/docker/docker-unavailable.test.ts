// No Docker engine answers: a docker service is refused at once, the message names the socket, nothing is created.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import type { DeploymentRecord, NodeInfo } from '../../packages/protocol/index.js';

const SOCKET = '/tmp/compartment-no-docker-here.sock';
const project = new Project(
  {
    'compartment.yaml': 'services:\n  img:\n    runtime: docker\n    path: ./img\n    port: 8080\n',
    'img/Dockerfile': 'FROM scratch\n',
  },
  // The agents `up` starts inherit it: their Docker runtime tries this socket.
  { DOCKER_HOST: `unix://${SOCKET}` },
);

test.after(() => project.remove());

test('deploy exits 1 with DOCKER_UNAVAILABLE naming the socket, and creates no deployment', async () => {
  await project.up();
  const [node] = await project.json<NodeInfo[]>(['nodes']);
  assert.equal(node!.runtimes, ['process'], 'the node does not offer docker without an engine');
  const r = await project.cli(['deploy', '--json']);
  assert.is(r.code, 1);
  const error = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { error: { code: string; message: string } };
  assert.is(error.error.code, 'DOCKER_UNAVAILABLE');
  assert.ok(error.error.message.includes(SOCKET), error.error.message);
  assert.equal(await project.json<DeploymentRecord[]>(['status', '--all']), []);
});

test.run();
