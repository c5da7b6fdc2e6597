// `up` with TLS files, end to end: every process authenticates with its role over TLS; deploy, status and the route work; others are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Project } from '../harness/project.js';
import { makeThrowawayCa } from '../harness/throwaway-ca.js';
import { webProject } from '../e2e/apps.js';
import { freeDualPort, freePort, freePortRange } from '../harness/ports.js';

const ca = makeThrowawayCa();
const project = new Project(webProject({ version: 'v1' }));
const creds = (role: string) => join(project.dir, '.compartment', 'credentials', `${role}.creds`);

test.after(async () => {
  await project.remove();
  ca.remove();
});

test('up --nats-tls-*: deploy, status and the route work with the operator credentials over TLS', async () => {
  // Ports of our own (as the bench does): a cluster started elsewhere at the same moment could share 8100+ (SO_REUSEPORT).
  const routes = await freePortRange(100);
  const ports = {
    nats: await freePort(),
    dns: await freeDualPort(),
    caddyAdmin: await freePort(),
    routes: [routes[0], routes.at(-1)],
    dashboard: await freePort(),
  };
  project.write({ '.compartment/cluster.json': JSON.stringify({ ports, dataDir: join(project.dir, '.compartment') }) });
  const context = await project.up(['--nats-tls-cert', ca.cert, '--nats-tls-key', ca.key, '--nats-tls-ca', ca.ca]);
  assert.match(readFileSync(join(project.dir, '.compartment', 'credentials', 'nats.conf'), 'utf8'), /tls \{ cert_file/);
  await project.ok(['deploy']);
  const [record] = await project.json<Array<{ isActive: boolean; routeUrl: string; status: string }>>(['status']);
  assert.is(record?.status, 'succeeded');
  assert.match(await (await fetch(record!.routeUrl)).text(), /version=v1/);
  assert.ok(context.natsUrl.startsWith('nats://127.0.0.1:'));
});

test('no secret is on any command line of the cluster', async () => {
  const secrets = ['cli', 'node', 'edge', 'dashboard', 'dashboard-actions'].map(
    (r) => readFileSync(creds(r), 'utf8').trim().split('\n').at(-1)!,
  );
  secrets.push(readFileSync(join(project.dir, '.compartment', 'credentials', 'route.password'), 'utf8').trim());
  const pids = Object.values(project.context().children).filter((p): p is number => typeof p === 'number');
  assert.ok(pids.length >= 4);
  for (const pid of pids) {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    for (const secret of secrets) assert.not.ok(argv.includes(secret), `pid ${pid} shows a secret`);
  }
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let argv = '';
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    for (const secret of secrets) assert.not.ok(argv.includes(secret), `pid ${pid} shows a secret`);
  }
});

test('a client without credentials, or without the CA, is refused; the dashboard credentials cannot deploy', async () => {
  const url = project.context().natsUrl;
  const anonymous = await connect({ servers: url, tls: { caFile: ca.ca }, maxReconnectAttempts: 0 }).then(
    () => null,
    (e: Error) => e,
  );
  assert.match(String(anonymous?.message), /authoriz/i);
  const noCa = await connect({ servers: url, ...project.natsOptions('cli'), maxReconnectAttempts: 0 }).then(
    (c) => (void c.close(), null),
    (e: Error) => e,
  );
  assert.ok(noCa, 'TLS without the CA refused');
  const r = await project.cli(['deploy', '--force'], { env: { COMPARTMENT_NATS_CREDS: creds('dashboard') } });
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /NATS refused/);
  const status = await project.cli(['status'], { env: { COMPARTMENT_NATS_CREDS: creds('dashboard') } });
  assert.is(status.code, 0, 'the dashboard role reads');
});

test.run();
