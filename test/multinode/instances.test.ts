// `instances: N`: a set spread over three nodes, switched as one, balanced by every edge, surviving a lost node.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Project } from '../harness/project.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { answering, getText, startClusterProject } from '../harness/cluster-project.js';
import { waitFor } from '../harness/wait.js';
import { startLoad, type LoadResult } from '../e2e/load.js';
import { WEB_APP } from '../e2e/apps.js';
import type { DeploymentRecord, NodeInfo } from '../../packages/protocol/index.js';

const service = (name: string, instances: number, extra = '') =>
  `  ${name}:\n    path: ./app\n    start: node server.js\n    instances: ${instances}\n    readiness: { path: /ready, intervalMs: 50, timeoutMs: 20000 }\n    drain: { timeoutMs: 30000 }\n    stop: { graceMs: 3000 }\n${extra}`;

let cluster: LocalCluster;
let project: Project;
const status = () => project.json<DeploymentRecord[]>(['status', '--all']);
const activeOf = async (name: string) =>
  (await status()).find((r) => r.serviceName === name && r.isActive && r.status === 'succeeded');

const failed = (r: LoadResult) => r.errors + r.timeouts + r.non2xx;

// uvu swallows an error thrown here (every test then just does not pass): print it.
test.before(() =>
  setUp().catch((error: unknown) => {
    console.error('setting up failed:', error);
    throw error;
  }),
);

async function setUp(): Promise<void> {
  ({ cluster, project } = await startClusterProject(3, {
    'compartment.yaml': `services:\n${service('web', 3)}`,
    'app/server.js': WEB_APP,
    'app/version.txt': 'v1',
  }));
}
test.after(async () => {
  await project?.remove();
  await cluster?.dispose();
});

test('instances: 3 puts one instance on each node; the edge spreads requests over all three', async () => {
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const web = (await activeOf('web'))!;
  assert.ok(web, 'web is active');
  assert.equal([web.instances?.ready, web.instances?.total, web.health], [3, 3, 'healthy']);
  const nodes = new Set(web.instances!.list.map((i) => i.nodeId));
  assert.equal([...nodes].sort(), ['n1', 'n2', 'n3'], 'one instance per node');
  const table = await project.ok(['status']);
  assert.match(table, /\b3\/3\b/, 'status shows ready/total');
  const page = await project.ok(['inspect', web.id]);
  assert.match(page, /instances: 3\/3 ready/);
  for (const m of cluster.members) {
    // The cluster was ready when its nodes were; an edge may still be starting its Caddy (seen on a loaded machine).
    await waitFor(
      `the route through ${m.edgeHost}`,
      () => getText(web.routeUrl!.replace('127.0.0.1', m.edgeHost)),
      30_000,
      100,
    );
    const seen = await answering(web.routeUrl!.replace('127.0.0.1', m.edgeHost));
    // On failure, the edge's own log says why (its route table, Caddy's state, lookups).
    assert.is(
      seen.size,
      3,
      `through ${m.edgeHost}, requests reached all three instances: ${JSON.stringify([...seen])}\n--- edge ${m.name} log ---\n${m.log('edge').slice(-4000)}`,
    );
  }
});

test('a redeploy of the set under 50 GET connections and 10 POST connections: no failed request, three new instances serve', async () => {
  const before = (await activeOf('web'))!;
  project.write({ 'app/version.txt': 'v2' });
  const gets = startLoad(before.routeUrl!, 50);
  const posts = startLoad(`${before.routeUrl!}/echo?text=posted`, 10, 'x'.repeat(2048));
  await sleep(1000);
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const after = await waitFor(
    'the new set active and the old one drained',
    async () => {
      const a = await activeOf('web');
      return a && a.id !== before.id ? a : null;
    },
    60_000,
    200,
  );
  await sleep(1000);
  const [g, p] = [await gets.stop(), await posts.stop()];
  console.log(
    `  redeploy of 3 instances: GET ${g.requests} requests, ${failed(g)} failed; POST ${p.requests} requests, ${failed(p)} failed`,
  );
  assert.ok(g.requests > 500 && p.requests > 100, 'the load ran');
  assert.is(failed(g), 0, `GET failures: ${JSON.stringify(g)}`);
  assert.is(failed(p), 0, `POST failures: ${JSON.stringify(p)}`);
  assert.equal([after.instances?.ready, after.instances?.total], [3, 3]);
  const seen = await answering(after.routeUrl!);
  assert.is(seen.size, 3, `three new instances answer: ${JSON.stringify([...seen])}`);
  assert.ok(
    [...seen.keys()].every((k) => k.startsWith('v2:')),
    'only the new set serves',
  );
  const old = await project.json<DeploymentRecord>(['inspect', before.id]);
  assert.is(old.isActive, false);
});

/** What each node runs of the active sets: pids of process instances, by node. */
async function workloadPids(nodeId: string): Promise<number[]> {
  const active = (await status()).filter((r) => r.isActive);
  return active.flatMap(
    (r) => r.instances?.list.filter((i) => i.nodeId === nodeId && i.ref).map((i) => Number(i.ref!.split(':')[0])) ?? [],
  );
}

/**
 * Loses a node holding an instance of `api` (not the leader) under GET and POST load through another node's edge,
 * and waits for the set to be whole again on the other nodes. `how` does the losing; returns what was measured.
 */
async function loseNode(how: (victim: string, pids: number[]) => void) {
  const api = (await activeOf('api'))!;
  const leader = (await project.json<NodeInfo[]>(['nodes'])).find((n) => n.leader)!.id;
  const holders = api.instances!.list.map((i) => i.nodeId!);
  // Prefer a node running an instance the owner supervises from elsewhere; the owner's own node is the other case.
  const victim = holders.find((n) => n !== leader && n !== api.nodeId) ?? holders.find((n) => n !== leader)!;
  const edge = cluster.members.find((m) => m.name !== victim)!.edgeHost;
  const url = api.routeUrl!.replace('127.0.0.1', edge);
  const gets = startLoad(url, 50);
  const posts = startLoad(`${url}/echo?text=posted`, 10, 'x'.repeat(2048));
  const seen: string[] = [];
  try {
    await sleep(1000);
    const lostAt = Date.now();
    how(victim, await workloadPids(victim));
    // Status calls may time out while a frozen agent still holds its place in the API's queue group: keep asking.
    const whole = await waitFor(
      'api 2/2 again without the lost node',
      async () => {
        const a = (await status()).find((r) => r.serviceName === 'api' && r.isActive && r.status === 'succeeded');
        const text = a?.instances ? `${a.instances.ready}/${a.instances.total}` : '-';
        if (seen.at(-1) !== text) seen.push(text);
        return a && a.instances?.ready === 2 && a.instances.list.every((i) => i.nodeId !== victim) ? a : null;
      },
      240_000,
      100,
    );
    const wholeMs = Date.now() - lostAt;
    await sleep(1000);
    const [g, p] = [await gets.stop(), await posts.stop()];
    const owner = victim === api.nodeId ? 'the owner' : 'an instance';
    console.log(
      `  lost ${victim} (${owner}): GET ${g.requests} requests, ${failed(g)} failed; POST ${p.requests}, ${failed(p)} failed; 2/2 again after ${wholeMs} ms; status went ${seen.join(' → ')}`,
    );
    return { victim, g, p, seen, whole, before: api };
  } catch (error) {
    await Promise.allSettled([gets.stop(), posts.stop()]);
    throw new Error(`${(error as Error).message} (victim ${victim}, status went ${seen.join(' → ')})`);
  }
}

test('instances: 2, a node agent and its workloads SIGKILLed under load: the lost instance is re-placed, 1/2 then 2/2', async () => {
  project.write({ 'compartment.yaml': `services:\n${service('web', 3)}${service('api', 2)}` });
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  let killed = '';
  const r = await loseNode((victim, pids) => {
    killed = victim;
    cluster.members.find((m) => m.name === victim)!.kill('node');
    // The ref names the workload's wrapper, which leads its process group: the whole group goes, as with the machine.
    for (const pid of pids) process.kill(-pid, 'SIGKILL');
  }).finally(async () => {
    // The node comes back for the next test, whatever this one found.
    if (!killed) return;
    cluster.members.find((m) => m.name === killed)!.start('node');
    await waitFor(
      `${killed} alive again`,
      async () => (await project.json<NodeInfo[]>(['nodes'])).find((n) => n.id === killed)?.state === 'alive',
      60_000,
      250,
    );
  });
  assert.ok(r.g.requests > 500, 'the load ran');
  assert.is(failed(r.g), 0, `GET failures: ${JSON.stringify(r.g)}`);
  // Polling status can miss a short 1/2 (the re-placement may take about a second); the owner logs each change of the set.
  const events = await project.ok(['logs', '--deployment', r.before.id, '--stream', 'compartment', '--tail', '1000']);
  assert.ok(
    r.seen.includes('1/2') || /\b1\/2 instances serving\b/.test(events),
    `the set went 1/2 on the way: status ${r.seen}; log:\n${events.slice(-2000)}`,
  );
  assert.is(r.whole.instances!.list.length, 2);
  const answering2 = await answering(
    r.whole.routeUrl!.replace('127.0.0.1', cluster.members.find((m) => m.name !== r.victim)!.edgeHost),
    40,
  );
  assert.is(answering2.size, 2, `both instances answer: ${JSON.stringify([...answering2])}`);
});

test('instances: 2, a node frozen (SIGSTOP of its agent and workloads) under load: it leaves the route and the set is whole again elsewhere', async () => {
  let frozen: number[] = [];
  const r = await loseNode((victim, pids) => {
    frozen = [cluster.members.find((m) => m.name === victim)!.pid('node')!, ...pids.map((p) => -p)];
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  }).finally(() => {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
  });
  // Requests already sent to the frozen instance hang until it thaws: counted (printed above), not asserted.
  assert.ok(r.g.requests > 500, 'the load ran');
  assert.is(r.whole.instances!.list.length, 2);
});

test.run();
