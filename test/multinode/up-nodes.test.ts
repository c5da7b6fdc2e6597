// `compartment up --nodes 3`: three clustered nats-servers, three agents and three edges, all started and stopped by `up`/`down`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project, alive } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from '../e2e/apps.js';
import type { DeploymentRecord, NodeInfo } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 'u1' }));
test.after(() => project.remove());

test('up --nodes 3 starts a three-node cluster: every node alive, one leader, replicated state', async () => {
  const context = await project.up(['--nodes', '3']);
  assert.is(context.natsUrl.split(',').length, 3);
  const nodes = await waitFor(
    'three live nodes',
    async () => {
      const n = await project.json<NodeInfo[]>(['nodes']);
      return n.filter((x) => x.state === 'alive').length === 3 ? n : null;
    },
    60_000,
    250,
  );
  assert.equal(
    nodes.map((n) => n.id),
    ['node-1', 'node-2', 'node-3'],
  );
  assert.is(nodes.filter((n) => n.leader).length, 1);
  assert.ok(nodes.every((n) => n.edge));
  const reply = await project.cli(['nodes', '--json']);
  assert.ok(reply.code === 0);
});

test('up --detach returned only once every edge was live: each answers at once', async () => {
  for (const host of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) {
    const r = await fetch(`http://${host}:${project.context().ports.routes[0]}/`).catch(() => null);
    assert.ok(r, `the edge on ${host} answers (an unknown route gives 503)`);
  }
});

test('a deploy answers through the edge of every node (127.0.0.1, .2, .3)', async () => {
  await project.ok(['deploy']);
  const [web] = await project.json<DeploymentRecord[]>(['status']);
  for (const host of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) {
    // Edges start beside the agents: one may still be bringing its Caddy up when the first deploy is done.
    const body = await waitFor(
      `the route through ${host}`,
      () => fetch(web!.routeUrl!.replace('127.0.0.1', host)).then((r) => r.text()),
      20_000,
    );
    assert.match(body, /^version=u1 /, `through ${host}`);
  }
});

test('the members share one cluster key: a secret sealed by one agent opens on any node, also after a rotation', async () => {
  await project.ok(['env', 'set', 'SHARED', '--secret'], { input: 'shared-secret-value' });
  await project.ok(['deploy']);
  const envOf = async () => {
    const web = (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
    return { nodeId: web.nodeId, env: (await (await fetch(`${web.routeUrl!}/env`)).json()) as Record<string, string> };
  };
  const first = await envOf();
  assert.is(first.env.SHARED, 'shared-secret-value');
  const rotation = await project.json<{ keyFile: string; resealed: number }>(['env', 'rotate-key']);
  assert.is(
    rotation.keyFile,
    `${project.dir}/.compartment/cluster.key`,
    "every member reads the data dir's one key file",
  );
  assert.is(rotation.resealed, 1);
  await project.ok(['deploy', '--force']);
  const second = await envOf();
  assert.is(second.env.SHARED, 'shared-secret-value', `on ${second.nodeId} (first on ${first.nodeId})`);
});

test('asking for another size is refused while it runs; down stops every process it started', async () => {
  const r = await project.cli(['up', '--nodes', '2']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--nodes 2: the local cluster already runs with 3 node\(s\)/);
  const pids = Object.values(project.context().children).filter((p): p is number => typeof p === 'number');
  assert.is(pids.length, 10, 'three nats-servers, three edges, three agents and the dashboard');
  await project.ok(['down'], { timeoutMs: 120_000 });
  for (const pid of pids) assert.not.ok(alive(pid), `pid ${pid} stopped`);
});

test.run();
