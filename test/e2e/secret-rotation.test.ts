// `env rotate-key`: every secret is re-sealed under a new key, the old key file opens none of them, running workloads keep
// serving, and restarts, redeploys and a restarted agent still resolve; a node with another key file refuses to join.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { tempDir } from '../harness/tmp.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import { connectCluster, newClusterKey, open, parseKeyFile, writeKeyFile } from '../../cluster/index.js';
import { BUCKETS, type DeploymentRecord } from '../../packages/protocol/index.js';

const BIN = new URL('../../../bin/compartment.js', import.meta.url).pathname;
const TOKEN = `tok-${Math.random().toString(36).slice(2)}`;
const project = new Project(webProject({ version: 'k1' }));
const keyFile = () => join(project.dir, '.compartment', 'cluster.key');
const active = async () => (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
const envOf = async (url: string) => JSON.parse(await (await fetch(`${url}/env`)).text()) as Record<string, string>;
const pidOf = async (url: string) => Number(/pid=(\d+)/.exec(await (await fetch(url)).text())![1]);

async function storedSealed(name: string): Promise<string> {
  const conn = await connectCluster({
    servers: project.context().natsUrl,
    name: 'rotation-test',
    nats: project.natsOptions('node'),
  });
  try {
    const kv = await conn.kvm.open(BUCKETS.variables);
    return JSON.parse((await kv.get(`production.${name}`))!.string()).sealed as string;
  } finally {
    await conn.close();
  }
}

test.before(async () => {
  await project.up();
  await project.ok(['env', 'set', 'TOKEN', '--secret'], { input: TOKEN });
  await project.ok(['deploy']);
});
test.after(() => project.remove());

test('rotate-key re-seals every secret under a new key; the old key file opens none of them', async () => {
  const oldKeys = parseKeyFile(readFileSync(keyFile(), 'utf8'), 'old');
  assert.is(open(oldKeys, await storedSealed('TOKEN'), 'production.TOKEN'), TOKEN, 'before: the first key opens it');
  const reply = await project.json<{ keyId: string; previousKeyIds: string[]; resealed: number; keyFile: string }>([
    'env',
    'rotate-key',
  ]);
  assert.equal(reply.previousKeyIds, [oldKeys[0]!.id]);
  assert.is.not(reply.keyId, oldKeys[0]!.id);
  assert.is(reply.resealed, 1);
  assert.is(reply.keyFile, keyFile());
  const newKeys = parseKeyFile(readFileSync(keyFile(), 'utf8'), 'new');
  assert.equal(
    newKeys.map((k) => k.id),
    [reply.keyId],
    'the retired key left the file',
  );
  assert.is(statSync(keyFile()).mode & 0o777, 0o600);
  const sealed = await storedSealed('TOKEN');
  assert.is(open(newKeys, sealed, 'production.TOKEN'), TOKEN);
  assert.throws(() => open(oldKeys, sealed, 'production.TOKEN'), /does not hold/);
  assert.throws(
    () => open([{ id: reply.keyId, bytes: oldKeys[0]!.bytes }], sealed, 'production.TOKEN'),
    /fails authentication/,
  );
});

test('the running deployment keeps serving with its environment; a crash restart after the rotation still gets the secret', async () => {
  const d = await active();
  const pid = await pidOf(d.routeUrl!);
  assert.is((await envOf(d.routeUrl!)).TOKEN, TOKEN);
  process.kill(pid, 'SIGKILL');
  const restarted = await waitFor(
    'the workload restarted',
    async () => {
      const p = await pidOf(d.routeUrl!).catch(() => 0);
      return p && p !== pid ? p : 0;
    },
    30_000,
    100,
  );
  assert.ok(restarted > 0);
  assert.is((await active()).id, d.id, 'the same deployment, restarted in place');
  assert.is((await envOf(d.routeUrl!)).TOKEN, TOKEN);
});

test('a redeploy, a new secret and a restarted agent all work under the new key', async () => {
  const before = await active();
  await project.ok(['env', 'set', 'OTHER', '--secret'], { input: 'second-value\n' });
  project.write({ 'web/version.txt': 'k2' });
  await project.ok(['deploy']);
  const after = await active();
  assert.is.not(after.id, before.id);
  const env = await envOf(after.routeUrl!);
  assert.equal([env.TOKEN, env.OTHER], [TOKEN, 'second-value']);
  const nodePid = project.context().children.node!;
  process.kill(nodePid, 'SIGKILL');
  await project.restarted('node', nodePid);
  await waitFor(
    'the restarted agent answers',
    () => project.cli(['env', 'list']).then((r) => r.code === 0),
    30_000,
    200,
  );
  assert.is(await project.ok(['env', 'set', 'THIRD', '--secret'], { input: 'x' }).then(() => 'ok'), 'ok');
});

test('a node given another cluster key refuses to join, naming the flag; nothing was sealed with it', async () => {
  const dir = tempDir('compartment-wrong-key-');
  try {
    const wrong = join(dir.path, 'wrong.key');
    writeKeyFile(wrong, [newClusterKey()]);
    const child = spawn(
      process.execPath,
      [
        BIN,
        'node',
        '--nats',
        project.context().natsUrl,
        '--data-dir',
        join(dir.path, 'node'),
        '--route-ports',
        '1-2',
        '--name',
        'intruder',
        '--cluster-key',
        wrong,
        '--nats-creds',
        project.credsFile('node'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('close', (c) => (clearTimeout(timer), resolve(c)));
    });
    assert.is.not(code, 0, out);
    assert.match(out, /start this node with --cluster-key naming a copy of the cluster's key file/);
  } finally {
    dir.remove();
  }
});

test.run();
