// Three nodes on one host: placement spreads services, any edge answers, and the cluster survives losing a node or its leader.
import { test } from 'uvu';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as assert from 'uvu/assert';
import { Project, alive } from '../harness/project.js';
import { startLocalCluster, type LocalCluster } from '../harness/local-cluster.js';
import { waitFor } from '../harness/wait.js';
import { WEB_APP } from '../e2e/apps.js';
import type { DeploymentRecord, NodeInfo } from '../../packages/protocol/index.js';

const service = (name: string, extra = '') =>
  `  ${name}:\n    path: ./app\n    start: node server.js\n    readiness: { path: /ready, intervalMs: 50, timeoutMs: 120000 }\n    drain: { timeoutMs: 30000 }\n    stop: { graceMs: 3000 }\n${extra}`;
// Webhooks: a local receiver hears of the node loss (`node_lost` for each deployment the lost node ran).
const hooks: Array<{ event: string; deploymentId: string; lostNode: string | null }> = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    hooks.push(JSON.parse(body) as (typeof hooks)[number]);
    res.end();
  });
});
let notify = '';
const yaml = (extra = '') => `${notify}services:\n${service('alpha')}${service('bravo')}${service('charlie')}${extra}`;

let cluster: LocalCluster;
let project: Project;
const status = () => project.json<DeploymentRecord[]>(['status', '--all']);
const nodes = () => project.json<NodeInfo[]>(['nodes']);
const via = (host: string, url: string) => url.replace('127.0.0.1', host);
const get = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(3000) }).then(
    async (r) => (r.ok ? r.text() : null),
    () => null,
  );

test.before(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  notify = `notify:\n  - url: http://127.0.0.1:${(receiver.address() as AddressInfo).port}/\n    events: [node_lost]\n    secret: HOOK_KEY\n`;
  cluster = await startLocalCluster(3);
  project = new Project(
    { 'compartment.yaml': yaml(), 'app/server.js': WEB_APP, 'app/version.txt': 'v1' },
    { COMPARTMENT_NATS_URL: cluster.natsUrl },
  );
  await waitFor(
    'three live nodes and a leader',
    async () => {
      const n = await nodes().catch(() => []);
      return n.filter((x) => x.state === 'alive').length === 3 && n.some((x) => x.leader);
    },
    60_000,
    250,
  ).catch((e: Error) => {
    const logs = cluster.members.map(
      (m) =>
        `--- ${m.name} node ---\n${m.log('node').slice(-2000)}\n--- ${m.name} edge ---\n${m.log('edge').slice(-1000)}`,
    );
    throw new Error(`${e.message}\n${logs.join('\n')}`);
  });
});
test.after(async () => {
  receiver.close();
  await project?.remove();
  await cluster?.dispose();
});

test('deployments of several services spread over the nodes, and every route answers through any edge', async () => {
  await project.ok(['env', 'set', 'HOOK_KEY', '--secret'], { input: 'k\n' });
  await project.ok(['deploy'], { timeoutMs: 120_000 });
  const active = (await status()).filter((r) => r.isActive);
  assert.is(active.length, 3);
  assert.equal(new Set(active.map((r) => r.nodeId)).size, 3, `spread over three nodes: ${active.map((r) => r.nodeId)}`);
  for (const r of active) {
    for (const m of cluster.members) {
      const body = await waitFor(
        `${r.serviceName} through ${m.edgeHost}`,
        () => get(via(m.edgeHost, r.routeUrl!)),
        10_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n--- edge ${m.name} log ---\n${m.log('edge').slice(-3000)}`);
      });
      assert.match(body, /^version=v1 /);
    }
  }
});

test('a node agent SIGKILLed (its machine gone): what had not switched fails naming it, what served runs again elsewhere', async () => {
  project.write({ 'compartment.yaml': yaml(service('delta', '    variables: { READY_AFTER_MS: "600000" }\n')) });
  await project.ok(['deploy', '--service', 'delta', '--detach']);
  const delta = await waitFor(
    'delta in checking_readiness',
    async () => (await status()).find((r) => r.serviceName === 'delta' && r.promotionStage === 'checking_readiness'),
    60_000,
  );
  const lostNode = delta.nodeId!;
  const victim = (await status()).find((r) => r.isActive && r.nodeId === lostNode);
  assert.ok(victim, `a service is active on ${lostNode}`);
  const member = cluster.members.find((m) => m.name === lostNode)!;
  const appPid = Number(/pid=(\d+)/.exec((await get(victim!.routeUrl!))!)![1]);

  const killedAt = Date.now();
  member.kill('node');
  process.kill(appPid, 'SIGKILL');
  const truth: string[] = [];
  const served = await waitFor(
    `${victim!.serviceName} serving again`,
    async () => {
      const all = await status();
      const actives = all.filter((r) => r.serviceName === victim!.serviceName && r.isActive);
      if (actives.length > 1) truth.push(`two active at once: ${actives.map((r) => r.id)}`);
      return (await get(victim!.routeUrl!)) ? all : null;
    },
    60_000,
    200,
  );
  const recoveredMs = Date.now() - killedAt;
  console.log(`  ${victim!.serviceName} served again ${recoveredMs} ms after its node was killed`);
  assert.equal(truth, [], 'status never showed two active deployments of a service');

  const deltaAfter = await project.json<DeploymentRecord>(['inspect', delta.id]);
  assert.equal(
    [deltaAfter.status, deltaAfter.failureMessage],
    ['failed', `node ${lostNode} lost during checking_readiness`],
  );
  assert.ok(served.length > 0);
  // Serving already; it finishes once the lost upstream is drained (nothing can be in flight to a dead process).
  const replacement = await waitFor(
    'the replacement succeeded',
    async () =>
      (await status()).find(
        (r) => r.serviceName === victim!.serviceName && r.isActive && r.status === 'succeeded' && r.id !== victim!.id,
      ),
    30_000,
    200,
  );
  const stageAt = (s: string) => {
    const entry = replacement.stages.find((x) => x.stage === s);
    assert.ok(
      entry,
      `the replacement went through ${s}: ${JSON.stringify(replacement.stages)} (previous ${replacement.previousId})`,
    );
    return Date.parse(entry!.at) - killedAt;
  };
  console.log(
    `  detected and re-placed after ${Date.parse(replacement.createdAt) - killedAt} ms; ready after ${stageAt('switching_route')} ms; switched after ${stageAt('draining_previous')} ms`,
  );
  assert.equal([replacement.trigger, replacement.status], ['reschedule', 'succeeded']);
  assert.is.not(replacement.nodeId, lostNode);
  const old = await project.json<DeploymentRecord>(['inspect', victim!.id]);
  assert.equal([old.isActive, old.health], [false, 'unhealthy']);
  const lost = (await nodes()).find((n) => n.id === lostNode)!;
  assert.is(lost.state, 'lost');
  const told = await waitFor(
    'node_lost webhooks',
    () => {
      const ids = new Set(
        hooks.filter((h) => h.event === 'node_lost' && h.lostNode === lostNode).map((h) => h.deploymentId),
      );
      return ids.has(victim!.id) && ids.has(delta.id) ? ids : null;
    },
    15_000,
  );
  assert.ok(told.size >= 2);
  assert.ok(
    hooks.every((h) => h.event === 'node_lost'),
    'only the events the target asked for',
  );

  // The node comes back: what it ran is no longer its own, so it stops it instead of serving it.
  const deltaPort = Number(
    /listening on (\d+)/.exec(await project.ok(['logs', '--deployment', delta.id, '--stream', 'stdout']))![1],
  );
  assert.ok(
    await fetch(`http://127.0.0.1:${deltaPort}/ready`).then(
      () => true,
      () => false,
    ),
    'the stale candidate still runs',
  );
  member.start('node');
  await waitFor(
    'the stale candidate stopped',
    () =>
      fetch(`http://127.0.0.1:${deltaPort}/ready`).then(
        () => false,
        () => true,
      ),
    60_000,
    250,
  );
  await waitFor(
    `${lostNode} alive again`,
    async () => (await nodes()).find((n) => n.id === lostNode)?.state === 'alive',
    30_000,
    250,
  );
});

test('the leader SIGKILLed: another takes over within seconds and a deploy right after succeeds', async () => {
  const leader = (await nodes()).find((n) => n.leader)!;
  const member = cluster.members.find((m) => m.name === leader.id)!;
  const killedAt = Date.now();
  member.kill('node');
  const next = await waitFor(
    'a new leader',
    async () => (await nodes()).find((n) => n.leader && n.id !== leader.id),
    30_000,
    200,
  );
  console.log(`  new leader ${next.id} after ${Date.now() - killedAt} ms`);
  project.write({ 'compartment.yaml': yaml(), 'app/version.txt': 'v2' });
  await project.ok(['deploy', '--service', 'alpha'], { timeoutMs: 120_000 });
  const alpha = (await status()).find((r) => r.serviceName === 'alpha' && r.isActive)!;
  assert.match((await get(alpha.routeUrl!))!, /^version=v2 /);
  member.start('node');
  await waitFor(
    `${leader.id} back`,
    async () => (await nodes()).find((n) => n.id === leader.id)?.state === 'alive',
    30_000,
    250,
  );
});

test('one of the three nats-servers SIGKILLed during a deploy: the deploy finishes and no record is lost', async () => {
  const before = (await status()).map((r) => r.id);
  // Slow readiness keeps the deploy in flight long enough to kill a server in the middle of it.
  project.write({
    'app/version.txt': 'v3',
    'compartment.yaml': yaml().replace('  bravo:\n', '  bravo:\n    variables: { READY_AFTER_MS: "3000" }\n'),
  });
  const deploying = project.cli(['deploy', '--service', 'bravo'], { timeoutMs: 180_000 });
  await waitFor(
    'bravo deploying',
    async () =>
      (await status()).some((r) => r.serviceName === 'bravo' && (r.status === 'running' || r.status === 'queued')),
    30_000,
    100,
  );
  await cluster.nats.servers[1]!.kill();
  const r = await deploying;
  assert.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const after = await status();
  for (const id of before)
    assert.ok(
      after.some((x) => x.id === id),
      `record ${id} kept`,
    );
  const bravo = after.find((x) => x.serviceName === 'bravo' && x.isActive)!;
  assert.match((await get(bravo.routeUrl!))!, /^version=v3 /);
  await cluster.nats.servers[1]!.restart();
  assert.ok(alive(process.pid));
});

test.run();
