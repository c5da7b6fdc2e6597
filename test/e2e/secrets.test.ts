// Secrets at rest: a secret piped to `env set --secret` reaches the workload, yet its clear value is in no stream, KV
// revision, object, record, snapshot or log; deployments hold a reference; a rollback after `env unset` fails naming it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { scanCluster, scanFiles } from '../harness/leak-scan.js';
import { webProject } from './apps.js';
import { connectCluster } from '../../cluster/index.js';
import { BUCKETS, keys, type DeploymentRecord } from '../../packages/protocol/index.js';

const SECRET = `sk-live-${Math.random().toString(36).slice(2)}-9f2c`;
const CANARY = `canary-${Math.random().toString(36).slice(2)}`;
const project = new Project(webProject({ version: 's1' }));
async function envOf(url: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/env`);
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    throw new Error(
      `GET ${url}/env → ${res.status} ${JSON.stringify(text.slice(0, 200))} ${JSON.stringify([...res.headers])}`,
    );
  }
}
const active = async () => (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
const cliOutputs: string[] = [];
const run = async (args: string[], input?: string) => {
  const out = await project.ok(args, input === undefined ? {} : { input });
  cliOutputs.push(out);
  return out;
};

async function storedSnapshot(id: string): Promise<string> {
  const conn = await connectCluster({
    servers: project.context().natsUrl,
    name: 'secrets-test',
    nats: project.natsOptions('node'),
  });
  try {
    const kv = await conn.kvm.open(BUCKETS.deployments);
    return (await kv.get(keys.deployment('production', 'web', id)))!.string();
  } finally {
    await conn.close();
  }
}

async function assertNoLeak(when: string): Promise<void> {
  const report = await scanCluster(project.context().natsUrl, SECRET, project.natsOptions('node'));
  assert.equal(report.found, [], `${when}: the clear value is stored at ${report.found.join(', ')}`);
  // The scan covered what it must: every bucket, the objects, the log stream (not an empty cluster).
  for (const b of [BUCKETS.variables, BUCKETS.deployments, BUCKETS.routes])
    assert.ok(report.kvBuckets.includes(b), `${when}: bucket ${b} scanned`);
  assert.ok(report.streams.includes('COMPARTMENT_LOGS') && report.streams.some((s) => s.startsWith('OBJ_')));
  assert.ok(
    report.objects >= 1 && report.messages > 5,
    `${when}: ${report.objects} objects, ${report.messages} messages`,
  );
  // Local files too: agent, edge and supervisor logs, nats-server's own store, releases.
  assert.equal(scanFiles(join(project.dir, '.compartment'), SECRET), [], `${when}: a file in the data dir holds it`);
}

test.before(() => project.up().then(() => undefined));
test.after(() => project.remove());

test('a secret piped to env set --secret reaches the workload; records and snapshots hold only its name', async () => {
  await run(['env', 'set', 'API_KEY', '--secret'], `${SECRET}\n`);
  await run(['env', 'set', 'PLAIN=visible']);
  await run(['env', 'set', `CANARY=${CANARY}`]);
  await run(['deploy']);
  const d = await active();
  const env = await envOf(d.routeUrl!);
  assert.equal([env.API_KEY, env.PLAIN], [SECRET, 'visible']);
  assert.match(d.fingerprint, /^hmac-sha256-[0-9a-f]{64}$/);
  const stored = await storedSnapshot(d.id);
  assert.match(stored, /"secretRefs":\["API_KEY"\]/);
  assert.match(stored, /"PLAIN":"visible"/, 'non-secret variables stay inline');
  await assertNoLeak('while set and running');
  // The scan finds what is there: a non-secret value sits in the variables bucket, the snapshot and the workload's env.
  const canary = await scanCluster(project.context().natsUrl, CANARY, project.natsOptions('node'));
  assert.ok(
    canary.found.some((f) => f.startsWith(`KV_${BUCKETS.variables}#`)),
    canary.found.join(', '),
  );
  assert.ok(
    canary.found.some((f) => f.startsWith(`KV_${BUCKETS.deployments}#`)),
    canary.found.join(', '),
  );
});

test('changing only the secret redeploys (the fingerprint covers it); setting the same value again does not', async () => {
  const before = await active();
  await run(['env', 'set', 'API_KEY', '--secret'], `${SECRET}\n`);
  assert.match(await run(['deploy']), /unchanged/);
  await run(['env', 'set', 'API_KEY', '--secret'], `${SECRET}-v2\n`);
  await run(['deploy']);
  const after = await active();
  assert.is.not(after.id, before.id);
  assert.is.not(after.fingerprint, before.fingerprint);
  assert.is((await envOf(after.routeUrl!)).API_KEY, `${SECRET}-v2`);
  await run(['env', 'set', 'API_KEY', '--secret'], `${SECRET}\n`);
  await run(['deploy']);
  assert.is((await envOf((await active()).routeUrl!)).API_KEY, SECRET);
});

test('after env unset: a rollback to a deployment that names the secret fails naming it, the running one keeps serving', async () => {
  const serving = await active();
  await run(['env', 'unset', 'API_KEY']);
  const r = await project.cli(['rollback', '--service', 'web']);
  assert.is(r.code, 1, r.stdout + r.stderr);
  const failed = (await project.json<DeploymentRecord[]>(['status', '--all'])).find(
    (x) => x.trigger === 'rollback' || (x.failureMessage ?? '').includes('API_KEY'),
  );
  assert.ok(failed, 'the rolled-back-to deployment is in the history');
  assert.match(failed!.failureMessage ?? '', /secret API_KEY of environment production is no longer set/);
  const now = await active();
  assert.is(now.id, serving.id, 'the previous deployment was never touched');
  assert.is((await envOf(now.routeUrl!)).API_KEY, SECRET, 'the running workload keeps the environment it started with');
});

test('after env unset and the rest: no output, KV value, object, record, snapshot or log holds the clear value', async () => {
  await run(['status', '--all', '--json']);
  await run(['inspect', (await active()).id, '--json']);
  await run(['env', 'list', '--json']);
  await run(['logs', '--stream', 'compartment', '--tail', '10000', '--json']);
  for (const out of cliOutputs) assert.not.ok(out.includes(SECRET), `an output holds the secret:\n${out}`);
  await assertNoLeak('after unset');
});

test.run();
