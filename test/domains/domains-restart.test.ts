// Edge and Caddy restarts keep certificates: no new issuance, the same certificate served again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { domainProject, rootOf, certFileOf } from './domain-project.js';
import { httpsGet } from './https-client.js';

const project = new Project(domainProject({ web: ['web.example.test'], api: [] }));
let https = 0;
const caddyDir = () => join(project.dir, '.compartment', 'edge', 'caddy');
/** Caddy logs each certificate it obtains; a reused one from storage is not obtained again. */
const issued = () =>
  (readFileSync(join(caddyDir(), 'caddy.log'), 'utf8').match(/certificate obtained successfully/g) ?? []).length;

test.before(async () => {
  https = (await project.up()).ports.https!;
  await project.ok(['deploy']);
});
test.after(() => project.remove());

/** Polls until the domain answers 200; returns how long that took from `since`. */
async function servedAgain(since: number): Promise<{ ms: number; serial: string | null }> {
  const r = await waitFor(
    'the domain serving again',
    async () => {
      const a = await httpsGet(https, 'web.example.test', rootOf(project.dir)).catch(() => null);
      return a?.status === 200 ? a : null;
    },
    30_000,
    10,
  );
  return { ms: Date.now() - since, serial: r.serial };
}

test('an edge restart (its Caddy adopted) and a Caddy restart: same certificate, no new issuance', async () => {
  const first = await httpsGet(https, 'web.example.test', rootOf(project.dir));
  assert.is(first.status, 200);
  const cert = certFileOf(project.dir, 'web.example.test');
  const stored = { mtime: statSync(cert).mtimeMs, text: readFileSync(cert, 'utf8') };
  assert.is(issued(), 1);

  const edgePid = project.context().children.edge!;
  process.kill(edgePid, 'SIGKILL');
  const newEdge = await project.restarted('edge', edgePid);
  const edgeBack = await servedAgain(Date.now());
  console.log(`  edge ${newEdge} serving again ${edgeBack.ms} ms after it was restarted`);
  assert.is(edgeBack.serial, first.serial);

  const caddyPid = Number(readFileSync(join(caddyDir(), 'caddy.pid'), 'utf8'));
  const killedAt = Date.now();
  process.kill(caddyPid, 'SIGKILL');
  const caddyBack = await servedAgain(killedAt);
  console.log(`  Caddy serving again ${caddyBack.ms} ms after it was killed (the edge restarts it)`);
  assert.is(caddyBack.serial, first.serial, 'the stored certificate is served');
  assert.is(issued(), 1, 'no certificate was obtained again');
  assert.equal({ mtime: statSync(cert).mtimeMs, text: readFileSync(cert, 'utf8') }, stored);
});

test.run();
