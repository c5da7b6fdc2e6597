// Two services on two domains behind one HTTPS port: each host reaches its own, unknown hosts get 404 and no certificate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { domainProject, domainYaml, rootOf, certFileOf, storageOf } from './domain-project.js';
import { httpGet, httpsGet } from './https-client.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project(domainProject({ web: ['web.example.test'], api: ['api.example.test'] }));
let https = 0;
let http = 0;
let upSaid = '';

test.before(async () => {
  const up = await project.cli(['up', '--detach']);
  if (up.code !== 0) throw new Error(`up exited ${up.code}: ${up.stderr}`);
  upSaid = up.stderr;
  const ctx = project.context();
  https = ctx.ports.https!;
  http = ctx.ports.http!;
  await project.ok(['deploy']);
});
test.after(() => project.remove());

test('each domain reaches its own service over one HTTPS port, trusted through the printed root', async () => {
  const web = await httpsGet(https, 'web.example.test', rootOf(project.dir));
  const api = await httpsGet(https, 'api.example.test', rootOf(project.dir));
  assert.equal([web.status, api.status], [200, 200]);
  assert.match(web.body, /^version=web-v1 /);
  assert.match(api.body, /^version=api-v1 /);
  // Host names are case-insensitive.
  assert.match((await httpsGet(https, 'WEB.example.test', rootOf(project.dir))).body, /^version=web-v1 /);
});

test('up prints the HTTPS port and the root certificate, and curl --cacert with it reaches the service', async () => {
  assert.ok(upSaid.includes(rootOf(project.dir)), upSaid);
  assert.match(upSaid, new RegExp(`https port ${https}`));
  const { execFileSync } = await import('node:child_process');
  const body = execFileSync(
    'curl',
    [
      '-sS',
      '--cacert',
      rootOf(project.dir),
      '--resolve',
      `web.example.test:${https}:127.0.0.1`,
      `https://web.example.test:${https}/`,
    ],
    { encoding: 'utf8' },
  );
  assert.match(body, /^version=web-v1 /);
});

test('routeUrl is https://<first domain>:<port>, status shows it', async () => {
  const records = await project.json<DeploymentRecord[]>(['status']);
  const urls = Object.fromEntries(records.map((r) => [r.serviceName, r.routeUrl]));
  assert.equal(urls, { web: `https://web.example.test:${https}`, api: `https://api.example.test:${https}` });
});

test('status, inspect and the dashboard show each domain with its certificate state', async () => {
  const table = await project.ok(['status']);
  assert.match(table, /DOMAIN\s+SERVICE\s+ENV\s+URL\s+CERTIFICATE/);
  assert.match(
    table,
    new RegExp(
      `web\\.example\\.test\\s+web\\s+production\\s+https://web\\.example\\.test:${https}\\s+issued \\(local\\) until \\d{4}-`,
    ),
  );
  const [web] = await project.json<DeploymentRecord[]>(['status', '--service', 'web']);
  const inspected = await project.json<{ domains: Array<{ domain: string; certificates: Array<{ state: string }> }> }>([
    'inspect',
    web!.id,
  ]);
  assert.equal(
    inspected.domains.map((d) => [d.domain, d.certificates.map((c) => c.state)]),
    [['web.example.test', ['issued']]],
  );
  assert.match(
    await project.ok(['inspect', web!.id]),
    /domain\s+web\.example\.test: certificate issued \(local\) until/,
  );
  const ctx = JSON.parse(readFileSync(join(project.dir, '.compartment', 'context.json'), 'utf8')) as {
    dashboardUrl: string;
  };
  const token = readFileSync(join(project.dir, '.compartment', 'dashboard.token'), 'utf8').trim();
  const detail = (await (
    await fetch(`${ctx.dashboardUrl}/api/deployments/${web!.id}`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { domains: Array<{ domain: string }> };
  assert.equal(
    detail.domains.map((d) => d.domain),
    ['web.example.test'],
  );
});

test('certificates and keys are in the edge data dir, 0600', async () => {
  const cert = certFileOf(project.dir, 'web.example.test');
  assert.ok(existsSync(cert), cert);
  for (const f of [cert, cert.replace(/\.crt$/, '.key')]) assert.is(statSync(f).mode & 0o777, 0o600, f);
});

test('an unknown host: no certificate (the handshake is refused), a plain 404 over HTTP', async () => {
  const refused = await httpsGet(https, 'unknown.example.test', rootOf(project.dir)).then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(refused, 'the TLS handshake for an unknown name fails');
  assert.not.ok(existsSync(certFileOf(project.dir, 'unknown.example.test')), 'no certificate was issued for it');
  const plain = await httpGet(http, 'unknown.example.test');
  assert.is(plain.status, 404);
  assert.match(plain.body, /not found/);
  assert.ok(existsSync(storageOf(project.dir)));
});

test('HTTP redirects a held domain to HTTPS, keeping the path', async () => {
  const r = await httpGet(http, 'web.example.test', '/some/path?x=1');
  assert.is(r.status, 308);
  assert.is(r.headers.location, `https://web.example.test:${https}/some/path?x=1`);
});

test('a Host other than the handshake name is refused (421), not routed', async () => {
  const { request } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  const status = await new Promise<number>((resolve, reject) => {
    request(
      {
        host: '127.0.0.1',
        port: https,
        servername: 'web.example.test',
        headers: { host: 'api.example.test' },
        ca: readFileSync(rootOf(project.dir)),
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    )
      .on('error', reject)
      .end();
  });
  assert.is(status, 421);
});

test('the same domain twice in compartment.yaml: exit 2 before anything is uploaded', async () => {
  project.write({
    'compartment.yaml': domainYaml({ web: ['web.example.test'], api: ['api.example.test', 'web.example.test'] }),
  });
  const r = await project.cli(['deploy']);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /web\.example\.test is already listed for production\/web/);
});

test('a domain another route holds in the cluster: deploy exits 2 naming the holder, nothing changes', async () => {
  const before = await project.json<DeploymentRecord[]>(['status', '--all']);
  // web's file no longer lists it, but web is not deployed: its route still holds the name.
  project.write({
    'compartment.yaml': domainYaml({ web: [], api: ['api.example.test', 'web.example.test'] }),
    'api/version.txt': 'api-v2',
  });
  const r = await project.cli(['deploy', '--service', 'api']);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /web\.example\.test is held by production\/web/);
  const after = await project.json<DeploymentRecord[]>(['status', '--all']);
  assert.equal(after.map((d) => d.id).sort(), before.map((d) => d.id).sort());
  assert.match((await httpsGet(https, 'web.example.test', rootOf(project.dir))).body, /^version=web-v1 /);
  assert.match((await httpsGet(https, 'api.example.test', rootOf(project.dir))).body, /^version=api-v1 /);
  project.write({
    'compartment.yaml': domainYaml({ web: ['web.example.test'], api: ['api.example.test'] }),
    'api/version.txt': 'api-v1',
  });
});

test.run();
