// Health after the switch and automatic revert: a build that passes readiness and then fails its health check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import { startLoad } from './load.js';
import { connect } from '@nats-io/transport-node';
import { RPC, type CompartmentError, type DeploymentRecord } from '../../packages/protocol/index.js';
import { askLeader } from '../../cluster/rpc/index.js';

const HEALTH = '    health: { path: /health, intervalMs: 200, failureThreshold: 3 }';
const REVERT = '    autoRevert: { windowMs: 60000 }';
const app = (version: string, variables: Record<string, string> = {}, revert = false) =>
  webProject({ version, variables, extra: revert ? [HEALTH, REVERT] : [HEALTH] });
const project = new Project(app('h1'));
let url = '';

const active = async () => (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
const inspect = (id: string) => project.json<DeploymentRecord>(['inspect', id]);
const served = async () => (await (await fetch(url)).text()).trim();

test.before(async () => {
  url = await project.upAndDeploy();
});
test.after(() => project.remove());

test('without autoRevert: a deployment failing its health check stays active and unhealthy, and is restarted', async () => {
  project.write(app('h2', { UNHEALTHY_AFTER_MS: '1500' }));
  await project.ok(['deploy']);
  const bad = await active();
  const pid = /pid=(\d+)/.exec(await served())![1];
  await waitFor('unhealthy', async () => (await inspect(bad.id)).health === 'unhealthy', 30_000, 50);
  const r = await inspect(bad.id);
  assert.equal([r.isActive, r.status, r.promotionStage], [true, 'succeeded', 'active']);
  await waitFor('a restarted process serves', async () => !(await served()).includes(`pid=${pid}`), 30_000, 100);
  assert.match(await served(), /^version=h2 /);
  const events = await project.ok(['logs', '--deployment', bad.id, '--stream', 'compartment']);
  assert.match(events, /health check failed 3 times in a row \(last: GET \/health → 500[^)]*\); restarting it/);
  assert.match(events, /health: unhealthy/);
});

test('with autoRevert: the previous build serves again, the bad one is rolled_back saying why, 0 failed requests, --wait-healthy exits 1', async () => {
  project.write(app('h3'));
  await project.ok(['deploy']);
  const good = await active();
  const load = startLoad(url, 20);
  project.write(app('h4', { UNHEALTHY_AFTER_MS: '1500' }, true));
  const r = await project.cli(['deploy', '--wait-healthy'], { timeoutMs: 120_000 });
  const result = await load.stop();
  assert.is(r.code, 1, `deploy --wait-healthy exits 1 when reverted:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /was reverted: automatically reverted: health check failed 3 times in a row/);
  const reverted = (await project.json<DeploymentRecord[]>(['status', '--all'])).find(
    (x) => x.promotionStage === 'rolled_back',
  )!;
  assert.match(reverted.failureMessage ?? '', /after the switch; last: GET \/health → 500/);
  const now = await active();
  assert.equal(
    [now.id, now.trigger],
    [good.id, 'auto_revert'],
    'the previous deployment is active again, by an automatic revert',
  );
  assert.match(await served(), /^version=h3 /);
  const events = await project.ok(['logs', '--deployment', reverted.id, '--stream', 'compartment']);
  assert.match(events, new RegExp(`reverting: ${good.id} is promoted again`), 'through the leader, as rollback');
  // The leader's rollback plan refuses to revert a deployment that no longer serves: a newer one is never undone.
  const nc = await connect({ servers: project.context().natsUrl, ...project.natsOptions('node') });
  const again = { environment: 'production', service: 'web', idempotencyKey: 'test-revert-again' };
  const code = await askLeader(nc, RPC.leaderRollback, { ...again, revert: { from: reverted.id } }).then(
    () => 'ok',
    (e: CompartmentError) => e.code,
  );
  await nc.close();
  assert.is(code, 'CONFLICT');
  assert.is((await active()).id, good.id);
  assert.ok(result.requests > 0);
  assert.equal(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
});

test('with autoRevert: a build that crash-loops after the switch is reverted, naming its exit', async () => {
  const before = await active();
  project.write(app('h5', { EXIT_AFTER_MS: '1500' }, true));
  await project.ok(['deploy']);
  const bad = await waitFor(
    'a crash-looping deployment rolled back',
    async () =>
      (await project.json<DeploymentRecord[]>(['status', '--all'])).find(
        (x) => x.promotionStage === 'rolled_back' && x.id !== before.id && /crash-looping/.test(x.failureMessage ?? ''),
      ),
    60_000,
    200,
  ).catch(async (e) => {
    console.log(
      JSON.stringify(
        (await project.json<DeploymentRecord[]>(['status', '--all'])).map((x) => [
          x.id,
          x.status,
          x.promotionStage,
          x.health,
          x.failureMessage,
        ]),
      ),
    );
    throw e;
  });
  assert.match(bad.failureMessage ?? '', /last exited with code 3; last stderr: fatal: exiting on purpose/);
  await waitFor('the previous one serves again', async () => (await active())?.id === before.id, 30_000, 100);
  assert.match(await served(), /^version=h3 /);
});

test.run();
