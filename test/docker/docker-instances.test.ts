// runtime: docker with `instances: 2` on `up --nodes 3`: two containers on two nodes (one engine), switched as one set.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { startLoad } from '../e2e/load.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { dockerProject, withBusybox } from './docker-apps.js';
import { docker, removeDockerObjects } from './docker-fixture.js';

const app = (version: string) => dockerProject({ version, extra: ['    instances: 2'] });
const project = new Project(app('v1'));
withBusybox(project);
const NODES = ['node-1', 'node-2', 'node-3'];

const active = async () =>
  (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive && r.status === 'succeeded')!;
const body = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(3000) })
    .then((r) => r.text())
    .then(
      (t) => t.trim(),
      () => null,
    );

test.before(async () => {
  await project.up(['--nodes', '3']);
});
test.after(async () => {
  await project.remove();
  for (const n of NODES) await removeDockerObjects(n);
});

test('two containers on two nodes, both ready before the switch; each answers on its own port and through the route', async () => {
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const web = await active();
  assert.equal([web.instances?.ready, web.instances?.total, web.health], [2, 2, 'healthy']);
  const list = web.instances!.list;
  assert.is(new Set(list.map((i) => i.nodeId)).size, 2, 'two distinct nodes');
  assert.is(new Set(list.map((i) => i.ref)).size, 2, 'two distinct containers');
  for (const i of list) {
    const info = await docker.getContainer(i.ref!).inspect();
    assert.ok(info.State.Running, `container of ${i.nodeId} runs`);
    // Where the route dials it: the port the container publishes (other tests' apps on this machine may share numbers on other addresses).
    const published = Object.values(info.NetworkSettings.Ports ?? {})
      .flat()
      .map((b) => Number(b?.HostPort));
    assert.ok(
      published.includes(i.port!),
      `the instance on ${i.nodeId} publishes ${i.port}: ${JSON.stringify(info.NetworkSettings.Ports)}`,
    );
    assert.ok(
      // An instance run for another node's deployment carries that node and its slot in its name.
      info.Name.endsWith(i.nodeId === web.nodeId ? web.id : `${web.id}-${i.nodeId}-s${i.slot}`),
      `container name ${info.Name}`,
    );
  }
  assert.is(await body(web.routeUrl!), 'version=v1');
});

test('a redeploy of the two-container set under load: no failed request; the previous containers are stopped', async () => {
  const before = await active();
  project.write(app('v2'));
  withBusybox(project);
  const load = startLoad(before.routeUrl!, 50);
  await sleep(500);
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  await sleep(500);
  const r = await load.stop();
  console.log(`  docker redeploy of 2 instances: ${r.requests} requests, ${r.errors + r.timeouts + r.non2xx} failed`);
  assert.ok(r.requests > 200, 'the load ran');
  assert.equal([r.errors, r.timeouts, r.non2xx], [0, 0, 0]);
  const after = await active();
  assert.is.not(after.id, before.id);
  assert.equal([after.instances?.ready, after.instances?.total], [2, 2]);
  assert.is(await body(after.routeUrl!), 'version=v2');
  for (const i of before.instances!.list) {
    const running = await docker
      .getContainer(i.ref!)
      .inspect()
      .then(
        (c) => c.State.Running,
        () => false,
      );
    assert.not.ok(running, `the previous container on ${i.nodeId} stopped`);
  }
});

test.run();
