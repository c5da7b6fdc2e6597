// The release phase: once per deployment across a 3-instance set, with the new code and variables; a failing one fails
// the deployment before any candidate starts; rollback does not run it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Project } from '../harness/project.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { startClusterProject } from '../harness/cluster-project.js';
import { waitFor } from '../harness/wait.js';
import { WEB_APP } from '../e2e/apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

// Appends one line per run to a file every node's workload user may write: how many times it ran, and what it saw.
const MIGRATE = `
const fs = require('node:fs');
const version = fs.readFileSync('version.txt', 'utf8').trim();
console.log('migrating to ' + version);
if (process.env.RELEASE_SLEEP_MS) { setTimeout(() => {}, Number(process.env.RELEASE_SLEEP_MS)); return; }
if (process.env.FAIL_RELEASE === '1') { console.error('migration failed: boom'); process.exit(4); }
fs.appendFileSync(process.env.RELEASE_LOG, [version, process.env.MIGRATE_VAR, process.env.DB_PASSWORD].join(' ') + '\\n');
`;
const shared = mkdtempSync(join(tmpdir(), 'compartment-release-'));
chmodSync(shared, 0o777);
const LOG = join(shared, 'runs.log');
const yaml = (vars: Record<string, string> = {}, timeout = '') =>
  [
    'services:',
    '  web:',
    '    path: ./app',
    '    start: node server.js',
    '    release: node migrate.js',
    ...(timeout ? [`    releaseTimeoutMs: ${timeout}`] : []),
    '    instances: 3',
    '    readiness: { path: /ready, intervalMs: 50, timeoutMs: 20000 }',
    '    stop: { graceMs: 3000 }',
    '    variables:',
    `      RELEASE_LOG: "${LOG}"`,
    ...Object.entries(vars).map(([k, v]) => `      ${k}: "${v}"`),
    '',
  ].join('\n');

let cluster: LocalCluster;
let project: Project;
const status = () => project.json<DeploymentRecord[]>(['status', '--all']);
const active = async () => (await status()).find((r) => r.isActive && r.status === 'succeeded')!;
const runs = () => (existsSync(LOG) ? readFileSync(LOG, 'utf8').trim().split('\n').filter(Boolean) : []);
// Right after a deploy an edge of a just-started cluster may still be starting Caddy: ask until it answers.
const served = async () => {
  const url = (await active()).routeUrl!;
  return waitFor(
    'the route answering',
    () =>
      fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
        async (r) => (await r.text()).trim(),
        () => null,
      ),
    15_000,
    100,
  );
};

test.before(() =>
  setUp().catch((error: unknown) => {
    console.error('setting up failed:', error);
    throw error;
  }),
);
async function setUp(): Promise<void> {
  ({ cluster, project } = await startClusterProject(3, {
    'compartment.yaml': yaml({ MIGRATE_VAR: 'one' }),
    'app/server.js': WEB_APP,
    'app/migrate.js': MIGRATE,
    'app/version.txt': 'v1',
  }));
  await project.ok(['env', 'set', 'DB_PASSWORD', '--secret'], { input: 'pw-1\n' });
}
test.after(async () => {
  await project?.remove();
  await cluster?.dispose();
  rmSync(shared, { recursive: true, force: true });
});

test('3 instances on 3 nodes: the release runs exactly once, with the new code, its variables and secrets, logged', async () => {
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const web = await active();
  assert.equal(new Set(web.instances!.list.map((i) => i.nodeId)).size, 3, 'one instance per node');
  assert.equal(runs(), ['v1 one pw-1']);
  const events = await project.ok(['logs', '--deployment', web.id, '--stream', 'compartment']);
  assert.is(events.match(/release: node migrate\.js/g)?.length, 1, 'logged once');
  assert.ok(
    events.indexOf('release: node migrate.js') < events.indexOf('started: node server.js'),
    'before the candidate starts',
  );
  const stdout = await project.ok(['logs', '--deployment', web.id, '--stream', 'stdout']);
  assert.match(stdout, /migrating to v1/);
  project.write({ 'compartment.yaml': yaml({ MIGRATE_VAR: 'two' }), 'app/version.txt': 'v2' });
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  assert.equal(runs(), ['v1 one pw-1', 'v2 two pw-1']);
  assert.match(await served(), /^version=v2 /);
});

test('a failing release fails the deployment at building before any candidate starts; the previous one keeps serving', async () => {
  const before = await active();
  project.write({ 'compartment.yaml': yaml({ MIGRATE_VAR: 'three', FAIL_RELEASE: '1' }), 'app/version.txt': 'v3' });
  const r = await project.cli(['deploy'], { timeoutMs: 180_000 });
  assert.is(r.code, 1);
  const bad = (await status()).find((x) => x.status === 'failed')!;
  assert.is(bad.promotionStage, 'building');
  assert.match(bad.failureMessage ?? '', /release command failed: exit code 4: migration failed: boom/);
  const events = await project.ok(['logs', '--deployment', bad.id, '--stream', 'compartment']);
  assert.not.match(events, /started: /, 'no candidate was started');
  assert.is((await active()).id, before.id);
  assert.match(await served(), /^version=v2 /);
  assert.equal(runs().length, 2);
});

test('rollback does not run the release again', async () => {
  await project.ok(['rollback', '--service', 'web'], { timeoutMs: 180_000 });
  await waitFor('v1 serves again', async () => /^version=v1 /.test(await served()), 30_000, 100);
  assert.equal(runs(), ['v1 one pw-1', 'v2 two pw-1']);
});

test('a release still running after releaseTimeoutMs is killed and fails the deployment', async () => {
  const before = await active();
  project.write({
    'compartment.yaml': yaml({ MIGRATE_VAR: 'four', RELEASE_SLEEP_MS: '60000' }, '1500'),
    'app/version.txt': 'v4',
  });
  const r = await project.cli(['deploy'], { timeoutMs: 180_000 });
  assert.is(r.code, 1);
  const bad = (await status()).find((x) => x.status === 'failed' && /timed out/.test(x.failureMessage ?? ''))!;
  assert.equal(
    [bad.promotionStage, bad.failureMessage],
    ['building', 'build failed: release command timed out after 1500 ms (releaseTimeoutMs); its processes were killed'],
  );
  assert.is((await active()).id, before.id);
});

test.run();
