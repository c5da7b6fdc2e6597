// Crashes of the platform's own parts: a node agent SIGKILLed mid-deploy, a Caddy SIGKILLed. Traffic keeps flowing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project, alive } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import { startLoad } from './load.js';
import { BUCKETS, keys, type DeploymentRecord } from '../../packages/protocol/index.js';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';

const project = new Project(webProject({ version: 'v1' }));
let url = '';

test.before(async () => {
  url = await project.upAndDeploy();
});
test.after(() => project.remove());

test('node agent SIGKILLed mid-deploy and restarted: the deployment finishes, the previous one serves throughout', async () => {
  const load = startLoad(url, 20);
  project.write(webProject({ version: 'v2', variables: { READY_AFTER_MS: '2500' } }));
  const deploying = project.cli(['deploy']);
  const inReadiness = await waitFor(
    'a deployment in checking_readiness',
    async () =>
      (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.promotionStage === 'checking_readiness'),
    15_000,
  );
  const nodePid = project.context().children.node!;
  process.kill(nodePid, 'SIGKILL');
  await project.restarted('node', nodePid);
  const final = await waitFor(
    'the deployment ended',
    async () => {
      const r = await project.json<DeploymentRecord>(['inspect', inReadiness.id]).catch(() => null);
      return r && (r.status === 'succeeded' || r.status === 'failed') ? r : null;
    },
    60_000,
  );
  assert.is(final.status, 'succeeded', `ended ${final.status}: ${final.failureMessage}`);
  assert.is((await deploying).code, 0, 'the waiting deploy command saw it succeed');
  const r = await load.stop();
  assert.equal({ errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx }, { errors: 0, timeouts: 0, non2xx: 0 });
  assert.match(await (await fetch(url)).text(), /^version=v2 /);
  const active = (await project.json<DeploymentRecord[]>(['status'])).filter((x) => x.isActive);
  assert.equal(
    active.map((x) => x.id),
    [final.id],
    'one active deployment: the new one',
  );
});

test('Caddy SIGKILLed: every route answers again without a deploy', async () => {
  const pidFile = join(project.dir, '.compartment/edge/caddy/caddy.pid');
  const caddyPid = Number(readFileSync(pidFile, 'utf8').trim());
  assert.ok(alive(caddyPid));
  process.kill(caddyPid, 'SIGKILL');
  await waitFor(
    'Caddy restarted by the edge',
    () => {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      return pid !== caddyPid && alive(pid);
    },
    20_000,
  );
  const body = await waitFor('the route answers', () => fetch(url).then((r) => r.text()), 20_000);
  assert.match(body, /^version=v2 /);
});

test('edge SIGKILLed: Caddy keeps serving meanwhile and the restarted edge takes over', async () => {
  const edgePid = project.context().children.edge!;
  process.kill(edgePid, 'SIGKILL');
  await project.restarted('edge', edgePid);
  const body = await waitFor('the route answers', () => fetch(url).then((r) => r.text()), 20_000);
  assert.match(body, /^version=v2 /);
  project.write({ 'web/version.txt': 'v3' });
  await project.ok(['deploy']);
  assert.match(await (await fetch(url)).text(), /^version=v3 /);
});

test('an active workload that crashes is restarted, and its health shows it', async () => {
  const pid = Number(/pid=(\d+)/.exec(await (await fetch(url)).text())![1]);
  const [before] = (await project.json<DeploymentRecord[]>(['status'])).filter((r) => r.isActive);
  process.kill(pid, 'SIGKILL');
  await waitFor(
    'health unhealthy',
    async () => (await project.json<DeploymentRecord>(['inspect', before!.id])).health === 'unhealthy',
    10_000,
    20,
  );
  const after = await waitFor(
    'healthy again',
    async () => {
      const r = await project.json<DeploymentRecord>(['inspect', before!.id]);
      return r.health === 'healthy' ? r : null;
    },
    20_000,
  );
  assert.equal(
    [after.isActive, after.status, after.promotionStage],
    [true, 'succeeded', 'active'],
    'still the active deployment',
  );
  const body = await waitFor(
    'the route answers from a new process',
    async () => {
      const text = await (await fetch(url)).text();
      return text.includes(`pid=${pid}`) ? null : text;
    },
    10_000,
  );
  assert.match(body, /^version=v3 /);
  const events = await project.ok(['logs', '--deployment', before!.id, '--stream', 'compartment']);
  assert.match(events, /workload exited \(SIGKILL\); restarting in \d+ ms/);
  assert.match(events, /health: unhealthy/);
  assert.match(events, /health: healthy/);
});

test('a workload no record names any more (an orphan) is stopped when the agent starts', async () => {
  const [web] = (await project.json<DeploymentRecord[]>(['status'])).filter((r) => r.isActive);
  const pid = Number(/pid=(\d+)/.exec(await (await fetch(url)).text())![1]);
  const nodePid = project.context().children.node!;
  // Frozen, the agent cannot rewrite the record we delete; then it restarts from KV that no longer names it.
  process.kill(nodePid, 'SIGSTOP');
  const nc = await connect({ servers: project.context().natsUrl, ...project.natsOptions('node') });
  const kv = await new Kvm(nc).open(BUCKETS.deployments);
  await kv.delete(keys.deployment(web!.environmentName, web!.serviceName, web!.id));
  await nc.close();
  process.kill(nodePid, 'SIGKILL');
  await project.restarted('node', nodePid);
  await waitFor('the orphan stopped', () => !alive(pid), 30_000, 100);
});

test.run();
