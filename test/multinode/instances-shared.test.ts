// `instances: N` on fewer live nodes than N: the set still runs N, spread as evenly as the nodes allow (2 + 1 on two).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Project } from '../harness/project.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { answering, getText, startClusterProject } from '../harness/cluster-project.js';
import { waitFor } from '../harness/wait.js';
import { WEB_APP } from '../e2e/apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const yaml = (instances: number) =>
  `services:\n  web:\n    path: ./app\n    start: node server.js\n    instances: ${instances}\n    readiness: { path: /ready, intervalMs: 50, timeoutMs: 20000 }\n    drain: { timeoutMs: 30000 }\n    stop: { graceMs: 3000 }\n`;

let cluster: LocalCluster;
let project: Project;
const status = () => project.json<DeploymentRecord[]>(['status', '--all']);
const active = async () =>
  (await status()).find((r) => r.serviceName === 'web' && r.isActive && r.status === 'succeeded');
/** Instances per node of a record, e.g. { n1: 1, n2: 2 }. */
const perNode = (r: DeploymentRecord) => {
  const out: Record<string, number> = {};
  for (const i of r.instances?.list ?? []) out[i.nodeId ?? '-'] = (out[i.nodeId ?? '-'] ?? 0) + 1;
  return out;
};

// uvu swallows an error thrown here (every test then just does not pass): print it.
test.before(() =>
  setUp().catch((error: unknown) => {
    console.error('setting up failed:', error);
    throw error;
  }),
);

async function setUp(): Promise<void> {
  ({ cluster, project } = await startClusterProject(2, {
    'compartment.yaml': yaml(3),
    'app/server.js': WEB_APP,
    'app/version.txt': 'v1',
  }));
}
test.after(async () => {
  await project?.remove();
  await cluster?.dispose();
});

test('instances: 3 on two nodes runs three (2 + 1), 3/3 healthy; inspect says they share a node; all three answer', async () => {
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const web = (await active())!;
  assert.ok(web, 'web is active');
  assert.equal([web.instances?.ready, web.instances?.total, web.health], [3, 3, 'healthy']);
  assert.equal(Object.values(perNode(web)).sort(), [1, 2], `2 + 1: ${JSON.stringify(perNode(web))}`);
  const ids = web.instances!.list.map((i) => `${i.nodeId}#${i.slot ?? 0}`);
  assert.is(new Set(ids).size, 3, `each instance has its own node and slot: ${ids}`);
  assert.match(await project.ok(['status']), /\b3\/3\b/, 'status shows ready/total');
  const page = await project.ok(['inspect', web.id]);
  assert.match(
    page,
    /instances: 3\/3 ready \(3 instances wanted, 3 placed on 2 distinct node\(s\), some sharing a node\)/,
  );
  for (const m of cluster.members) {
    const url = web.routeUrl!.replace('127.0.0.1', m.edgeHost);
    await waitFor(`the route through ${m.edgeHost}`, () => getText(url), 30_000, 100);
    const seen = await answering(url);
    assert.is(
      seen.size,
      3,
      `through ${m.edgeHost}, requests reached all three instances: ${JSON.stringify([...seen])}`,
    );
  }
});

test('an extra instance that crashes on the node it shares is restarted there; its own restart count shows', async () => {
  const web = (await active())!;
  const loaded = Object.entries(perNode(web)).find(([, n]) => n === 2)![0];
  const victim = web.instances!.list.find((i) => i.nodeId === loaded && (i.slot ?? 0) > 0)!;
  // The ref names the workload's wrapper, which leads its process group.
  process.kill(-Number(victim.ref!.split(':')[0]), 'SIGKILL');
  const after = await waitFor(
    'the instance restarted on its node and slot, 3/3 again',
    async () => {
      const a = await active();
      const again = a?.instances?.list.find((i) => i.nodeId === victim.nodeId && i.slot === victim.slot);
      return a?.instances?.ready === 3 && again && again.ref !== victim.ref ? { a, again } : null;
    },
    60_000,
    200,
  );
  assert.is(after.again.restarts, 1, 'the restarted instance counts one restart');
  assert.is(after.again.port, victim.port, 'on the port its route names');
  assert.ok(
    after.a.instances!.list.filter((i) => i !== after.again).every((i) => i.restarts === 0),
    'the others count none',
  );
  // The edge dials a restarted instance again before it puts it back in its answer: wait for that, then all three.
  await waitFor('all three answer again', async () => (await answering(after.a.routeUrl!)).size === 3, 30_000, 200);
});

test('scale 3 → 2 on two nodes: the instance leaving is one of the node holding two (1 + 1 remain)', async () => {
  const before = (await active())!;
  await project.ok(['scale', '--service', 'web', '2']);
  const after = await waitFor(
    'two instances, one per node',
    async () => {
      const a = await active();
      return a && a.instances?.list.length === 2 && a.instances.ready === 2 ? a : null;
    },
    60_000,
    200,
  );
  assert.is(after.id, before.id, 'the same deployment');
  assert.equal(Object.values(perNode(after)), [1, 1], `one per node: ${JSON.stringify(perNode(after))}`);
  assert.is(after.health, 'healthy');
});

test.run();
