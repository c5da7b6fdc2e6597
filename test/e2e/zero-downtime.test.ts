// Redeploys under keep-alive load lose no request, and a long request started before a switch completes.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { Project, alive } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import { startLoad } from './load.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 'v0' }));
let url = '';

test.before(async () => {
  url = await project.upAndDeploy();
});
test.after(() => project.remove());

test('ten redeploys under 50 keep-alive connections: 0 failed requests, 0 non-2xx', async () => {
  const load = startLoad(url, 50);
  for (let i = 1; i <= 10; i++) {
    project.write({ 'web/version.txt': `v${i}` });
    await project.ok(['deploy']);
  }
  const result = await load.stop();
  console.log(`  ${result.requests} requests during 10 redeploys`);
  assert.ok(result.requests > 1000, `load actually ran (${result.requests} requests)`);
  assert.equal(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
  assert.match(await (await fetch(url)).text(), /^version=v10 /);
});

function get(path: string): Promise<{ status: number; body: string; at: number }> {
  return new Promise((resolve, reject) => {
    request(`${url}${path}`, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, at: Date.now() }));
    })
      .on('error', reject)
      .end();
  });
}

test('a 3 s request in flight at the switch completes with 200, and the old workload stops only after it', async () => {
  const before = await get('/');
  const oldPid = Number(/pid=(\d+)/.exec(before.body)![1]);
  const slow = get('/slow?ms=3000');
  await sleep(300);
  project.write({ 'web/version.txt': 'v-slow' });
  const deploying = project.ok(['deploy']).then(() => Date.now());
  // While the long request runs, new requests already reach the new build and the old process is still alive.
  await waitFor('new version serving', async () => /version=v-slow/.test((await get('/')).body), 10_000);
  assert.ok(alive(oldPid), 'old workload still running while a request is in flight');
  const done = await slow;
  assert.equal([done.status, done.body], [200, 'slow done v10']);
  const finished = await deploying;
  assert.ok(finished >= done.at, 'the deploy finished draining only after the long request');
  await waitFor('old workload stopped', () => !alive(oldPid), 10_000);
  const [web] = await project.json<DeploymentRecord[]>(['status']);
  const logs = await project.ok(['logs', '--deployment', web!.id, '--stream', 'compartment']);
  assert.match(logs, /previous \w+ drained after \d+ ms/);
});

test.run();
