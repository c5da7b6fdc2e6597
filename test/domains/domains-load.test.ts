// Redeploy, rollback and a new domain under 50-connection HTTPS keep-alive load: 0 failed requests, Caddy never reloaded.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { domainProject, domainYaml, rootOf } from './domain-project.js';
import { httpsGet, startHttpsLoad } from './https-client.js';

const project = new Project(domainProject({ web: ['web.example.test'], api: ['api.example.test'] }));
let https = 0;
const caddyLog = () => readFileSync(join(project.dir, '.compartment', 'edge', 'caddy', 'caddy.log'), 'utf8');
/** Every admin-API config change logs this; the start (`caddy run --config`) does not. */
const reloads = () => (caddyLog().match(/"load complete"|"msg":"load complete"/g) ?? []).length;

test.before(async () => {
  https = (await project.up()).ports.https!;
  await project.ok(['deploy']);
  // The first handshake issues the certificate: done before the load, as a first visitor would.
  assert.is((await httpsGet(https, 'web.example.test', rootOf(project.dir))).status, 200);
});
test.after(() => project.remove());

test('redeploy and rollback of a domain route under 50 HTTPS keep-alive connections: 0 failed requests', async () => {
  const load = startHttpsLoad(https, 'web.example.test', 50);
  project.write({ 'web/version.txt': 'web-v2' });
  await project.ok(['deploy']);
  await waitFor(
    'v2 serving',
    async () => /version=web-v2/.test((await httpsGet(https, 'web.example.test', rootOf(project.dir))).body),
    10_000,
  );
  await project.ok(['rollback', '--service', 'web']);
  const result = await load.stop();
  console.log(`  ${result.requests} HTTPS requests during a redeploy and a rollback`);
  assert.ok(result.requests > 500, `load actually ran (${result.requests} requests)`);
  assert.equal(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
  assert.match((await httpsGet(https, 'web.example.test', rootOf(project.dir))).body, /^version=web-v1 /);
});

test('adding a third domain (to another route) under that load: 0 failed requests, no Caddy reload', async () => {
  const before = reloads();
  const load = startHttpsLoad(https, 'web.example.test', 50);
  project.write({
    'compartment.yaml': domainYaml({ web: ['web.example.test'], api: ['api.example.test', 'third.example.test'] }),
  });
  await project.ok(['deploy']);
  const third = await waitFor(
    'the third domain serving',
    async () => {
      const r = await httpsGet(https, 'third.example.test', rootOf(project.dir)).catch(() => null);
      return r?.status === 200 ? r : null;
    },
    10_000,
  );
  assert.match(third.body, /^version=api-v1 /);
  const result = await load.stop();
  console.log(`  ${result.requests} HTTPS requests while a domain was added`);
  assert.equal(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
  assert.is(reloads(), before, "Caddy's config was never changed");
});

test('moving a domain between services in one deploy, and removing one: served by the new holder, then 404', async () => {
  const before = reloads();
  project.write({
    'compartment.yaml': domainYaml({ web: ['web.example.test', 'third.example.test'], api: ['api.example.test'] }),
  });
  await project.ok(['deploy']);
  const moved = await httpsGet(https, 'third.example.test', rootOf(project.dir));
  assert.match(moved.body, /^version=web-v2 /, `${moved.status} ${moved.body}`);
  project.write({ 'compartment.yaml': domainYaml({ web: ['web.example.test'], api: ['api.example.test'] }) });
  await project.ok(['deploy']);
  // Its certificate is still in Caddy's cache; the name is just no longer routed.
  const gone = await httpsGet(https, 'third.example.test', rootOf(project.dir));
  assert.is(gone.status, 404);
  assert.is(reloads(), before, "Caddy's config was never changed");
});

test.run();
