// Rollback: the previous build serves again without a rebuild, under load; twice goes one further back; first deploy has none.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { webProject } from './apps.js';
import { startLoad } from './load.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 'r1', build: 'echo building' }));
let url = '';
const byVersion: Record<string, string> = {};

async function deployVersion(v: string): Promise<void> {
  project.write({ 'web/version.txt': v });
  await project.ok(['deploy']);
  const active = (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
  byVersion[v] = active.id;
  url = active.routeUrl!;
}

const served = async () => /^version=(\S+)/.exec(await (await fetch(url)).text())![1];

test.before(() => project.up().then(() => undefined));
test.after(() => project.remove());

test('rollback on a first deploy is not available: exit 1 with the reason', async () => {
  await deployVersion('r1');
  const r = await project.cli(['rollback', '--service', 'web']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /rollback is not available: web in production has no previously active deployment/);
});

test('two deploys, rollback → the first serves again, the second is rolled_back, 0 failed requests', async () => {
  await deployVersion('r2');
  await deployVersion('r3');
  assert.is(await served(), 'r3');
  const load = startLoad(url, 50);
  const out = await project.ok(['rollback', '--service', 'web']);
  const result = await load.stop();
  assert.match(out, /succeeded/);
  assert.is(await served(), 'r2');
  const r2 = await project.json<DeploymentRecord>(['inspect', byVersion.r2!]);
  const r3 = await project.json<DeploymentRecord>(['inspect', byVersion.r3!]);
  assert.equal([r2.status, r2.promotionStage, r2.isActive, r2.trigger], ['succeeded', 'active', true, 'rollback']);
  assert.equal([r3.status, r3.promotionStage, r3.isActive], ['succeeded', 'rolled_back', false]);
  assert.ok(result.requests > 100, `${result.requests} requests`);
  assert.equal(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
  const events = await project.ok(['logs', '--deployment', byVersion.r2!, '--stream', 'compartment', '--tail', '1000']);
  const sinceRollback = events.slice(events.lastIndexOf('stage: starting_candidate'));
  assert.not.match(sinceRollback, /stage: building|build: /, 'no build during the rollback');
  assert.match(
    sinceRollback,
    /stage: checking_readiness[\s\S]*stage: switching_route[\s\S]*stage: draining_previous[\s\S]*stage: active/,
  );
});

test('rolling back again goes one further back, never onto the rolled-back one', async () => {
  await project.ok(['rollback', '--service', 'web']);
  assert.is(await served(), 'r1');
  const r = await project.cli(['rollback', '--service', 'web']);
  assert.is(r.code, 1, 'nothing older than r1, and r3 was rolled back');
  assert.match(r.stderr, /rollback is not available/);
  assert.is(await served(), 'r1');
});

test('a deploy after rollbacks makes the new build active and keeps one active deployment', async () => {
  await deployVersion('r4');
  assert.is(await served(), 'r4');
  const active = (await project.json<DeploymentRecord[]>(['status', '--all'])).filter((r) => r.isActive);
  assert.equal(
    active.map((r) => r.id),
    [byVersion.r4],
  );
});

test.run();
