// `instances: N` beyond the first deploy: a candidate set with one instance never ready, `scale` under load, rollback.
import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Project } from '../harness/project.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { answering, startClusterProject } from '../harness/cluster-project.js';
import { waitFor } from '../harness/wait.js';
import { startLoad, type LoadResult } from '../e2e/load.js';
import { WEB_APP } from '../e2e/apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

// The release sits under each node's own data dir (…/n2/…): an instance can tell which node it runs on.
const APP = `if (process.env.NOT_READY_ON && __dirname.includes('/' + process.env.NOT_READY_ON + '/')) process.env.NEVER_READY = '1';\nrequire('./web.js');\n`;
const yaml = (instances: number, vars = '', timeoutMs = 20000) =>
  `services:\n  web:\n    path: ./app\n    start: node server.js\n    instances: ${instances}\n    readiness: { path: /ready, intervalMs: 50, timeoutMs: ${timeoutMs} }\n    drain: { timeoutMs: 30000 }\n    stop: { graceMs: 3000 }\n${vars}`;

let cluster: LocalCluster;
let project: Project;
const status = () => project.json<DeploymentRecord[]>(['status', '--all']);
const active = async () =>
  (await status()).find((r) => r.serviceName === 'web' && r.isActive && r.status === 'succeeded');
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
    'compartment.yaml': yaml(3),
    'app/server.js': APP,
    'app/web.js': WEB_APP,
    'app/version.txt': 'v1',
  }));
  await project.ok(['deploy'], { timeoutMs: 180_000 });
}
test.after(async () => {
  await project?.remove();
  await cluster?.dispose();
});

test('one of three candidates never ready: the deployment fails naming it, its set is stopped, the previous three serve on', async () => {
  const before = (await active())!;
  assert.equal([before.instances?.ready, before.instances?.total], [3, 3]);
  project.write({
    'compartment.yaml': yaml(3, '    variables: { NOT_READY_ON: n2 }\n', 3000),
    'app/version.txt': 'v2',
  });
  const r = await project.cli(['deploy'], { timeoutMs: 180_000 });
  assert.is.not(r.code, 0, 'the deploy fails');
  const failedOne = (await status()).find((d) => d.serviceName === 'web' && d.status === 'failed')!;
  assert.is(failedOne.promotionStage, 'checking_readiness');
  assert.match(failedOne.failureMessage!, /readiness check timed out .*n2: GET \/ready/);
  const after = (await active())!;
  assert.is(after.id, before.id, 'the previous set is still the active one');
  const seen = await answering(after.routeUrl!);
  assert.is(seen.size, 3, `the previous three answer: ${[...seen.keys()]}`);
  assert.ok([...seen.keys()].every((k) => k.startsWith('v1:')));
  for (const i of failedOne.instances?.list ?? []) {
    await waitFor(
      `the candidate on ${i.nodeId} stopped`,
      () =>
        fetch(`http://${i.host}:${i.port}/ready`).then(
          () => false,
          () => true,
        ),
      20_000,
      200,
    );
  }
});

const settled = (n: number) => async () => {
  const a = await active();
  return a?.instances?.total === n && a.instances.ready === n && a.health === 'healthy' ? a : null;
};

test('scale 1 → 3 → 1 under GET and POST load: no failed request, no new deployment, the count in status follows', async () => {
  await project.ok(['scale', '--service', 'web', '1']);
  const start = await waitFor('1/1', settled(1), 60_000, 200);
  const gets = startLoad(start.routeUrl!, 50);
  const posts = startLoad(`${start.routeUrl!}/echo?text=posted`, 10, 'x'.repeat(2048));
  const result = async () => [await gets.stop(), await posts.stop()] as const;
  let up: DeploymentRecord;
  try {
    await sleep(1000);
    await project.ok(['scale', '--service', 'web', '3']);
    up = await waitFor('3/3 and healthy', settled(3), 90_000, 200);
    assert.match(await project.ok(['status']), /\b3\/3\b/);
    assert.is((await answering(up.routeUrl!)).size, 3, 'three instances answer');
    await project.ok(['scale', '--service', 'web', '1']);
    await waitFor('1/1 again', settled(1), 60_000, 200);
    await sleep(1500);
  } catch (error) {
    await result();
    throw error;
  }
  const [g, p] = await result();
  console.log(
    `  scale 1 → 3 → 1: GET ${g.requests} requests, ${failed(g)} failed; POST ${p.requests}, ${failed(p)} failed`,
  );
  assert.ok(g.requests > 500 && p.requests > 100, 'the load ran');
  assert.is(failed(g), 0, `GET failures: ${JSON.stringify(g)}`);
  assert.is(failed(p), 0, `POST failures: ${JSON.stringify(p)}`);
  const end = (await active())!;
  assert.equal([up.id, end.id], [start.id, start.id], 'the same deployment throughout, scaled');
  assert.is((await answering(end.routeUrl!)).size, 1, 'one instance answers');
  const r = await project.cli(['scale', '--service', 'web', '17']);
  assert.match(r.stderr, /from 1 to 16/);
});

let failedId = '';
let v3: DeploymentRecord | undefined;

test('rollback of a set restores it at its own count', async () => {
  failedId = (await status()).find((d) => d.serviceName === 'web' && d.status === 'failed')!.id;
  await project.ok(['scale', '--service', 'web', '3']);
  const three = await waitFor('3/3', settled(3), 90_000, 200);
  project.write({ 'compartment.yaml': yaml(2), 'app/version.txt': 'v3' });
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const two = (await active())!;
  v3 = two;
  assert.equal([two.instances?.ready, two.instances?.total], [2, 2]);
  await project.ok(['rollback', '--service', 'web'], { timeoutMs: 180_000 });
  const back = (await active())!;
  assert.is(back.id, three.id);
  assert.equal([back.instances?.ready, back.instances?.total], [3, 3]);
  const seen = await answering(back.routeUrl!);
  assert.is(seen.size, 3, `three instances of v1 answer: ${[...seen.keys()]}`);
});

/** Where a member's process releases of `web` live: under its --data-dir. */
function releasesOf(nodeId: string): string[] {
  const pid = cluster.members.find((m) => m.name === nodeId)!.pid('node')!;
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const dir = join(args[args.indexOf('--data-dir') + 1]!, 'process', 'releases', 'production', 'web');
  return existsSync(dir) ? readdirSync(dir) : [];
}

test('a node prunes the releases it built for other nodes by the same rule as its own: the failed set is gone', async () => {
  for (const i of v3!.instances!.list) {
    const held = releasesOf(i.nodeId!);
    assert.ok(held.includes(v3!.id), `${i.nodeId} holds the release it runs: ${held}`);
    assert.not.ok(held.includes(failedId), `${i.nodeId} no longer holds the failed deployment's release: ${held}`);
  }
});

test.run();
