// From inside a deployed process workload: no control-plane secrets in its env, nothing of the data dir readable, no Caddy admin.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, symlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { lookupUser } from '../../packages/process-driver/index.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { proberProject, type AttackReport } from './prober-app.js';
import { listeningPorts, walk } from './data-dir-scan.js';

const project = new Project(proberProject());
const runAs = lookupUser('compartment-run');
let routeUrl = '';
let appDir = '';
test.after(() => project.remove());

test.before(async () => {
  routeUrl = await project.upAndDeploy();
  const [web] = await project.json<DeploymentRecord[]>(['status']);
  appDir = join(project.dir, '.compartment/node/process/releases/production/web', web!.id, 'app');
});

test('the agent runs as root here, so the build and the workload run as compartment-run, with a minimal environment', async () => {
  assert.is(process.getuid!(), 0, 'these tests run as root, like CI');
  assert.ok(runAs, 'scripts/setup created compartment-run');
  const me = (await (await fetch(`${routeUrl}/whoami`)).json()) as {
    uid: number;
    gid: number;
    groups: number[];
    built: string;
    env: Record<string, string>;
  };
  assert.is(me.uid, runAs!.uid);
  assert.is(me.gid, runAs!.gid);
  assert.not.ok(me.groups.includes(0), 'no root group');
  assert.is(me.built, String(runAs!.uid), 'the build ran as compartment-run too');
  const natsPort = String(project.context().ports.nats);
  for (const [k, v] of Object.entries(me.env)) {
    assert.not.match(k, /NATS|COMPARTMENT|CREDS|DOCKER|CADDY|XDG/i, `no ${k} in the workload's env`);
    assert.not.ok(v.includes('nats://') || v.includes(`:${natsPort}`), `${k} names nothing of the cluster: ${v}`);
    // Its working directory is its own app dir, below the data dir; nothing else may point there.
    if (k !== 'PWD') assert.not.ok(v.includes('.compartment'), `${k} names nothing of the data dir: ${v}`);
  }
  const allowed = [
    'PATH',
    'LANG',
    'LC_ALL',
    'TZ',
    'HOME',
    'USER',
    'LOGNAME',
    'PORT',
    'GREETING',
    'PWD',
    'SHLVL',
    'OLDPWD',
    '_',
  ];
  assert.equal(
    Object.keys(me.env).filter((k) => !allowed.includes(k)),
    [],
    'nothing beyond the minimal set',
  );
  assert.is(me.env.HOME, runAs!.home);
  assert.is(me.env.GREETING, 'hello');
});

test('no file or directory of the data dir is readable from the workload, Caddy admin neither by socket nor by TCP', async () => {
  const dataDir = join(project.dir, '.compartment');
  const target = walk(dataDir, appDir);
  const names = target.files.map((f) => f.slice(dataDir.length + 1));
  for (const expected of ['cluster.json', 'context.json', 'edge/caddy/caddy.json', 'logs/node.log', 'node/node-id'])
    assert.ok(names.includes(expected), `${expected} is tried`);
  assert.ok(
    names.some((n) => n.startsWith('nats/')),
    'the NATS store (records, snapshots, variables) is tried',
  );
  assert.ok(
    names.some((n) => /^node\/process\/releases\/.*\/workload\.json$/.test(n)),
    "the agent's own files beside the app are tried",
  );
  const caddy = JSON.parse(readFileSync(join(dataDir, 'edge/caddy/caddy.json'), 'utf8')) as {
    admin: { listen: string };
  };
  assert.match(
    caddy.admin.listen,
    /^unix\/.*\/edge\/admin\/caddy\.sock$/,
    'the admin endpoint is a unix socket in the data dir',
  );
  assert.equal(target.sockets, [join(dataDir, 'edge/admin/caddy.sock')]);
  const caddyPid = Number(readFileSync(join(dataDir, 'edge/caddy/caddy.pid'), 'utf8'));
  const caddyPorts = listeningPorts(caddyPid);
  assert.ok(caddyPorts.length >= 100, `Caddy's TCP ports found (${caddyPorts.length})`);

  // Positive controls: the attack itself works where access is allowed, so a refusal below means something.
  const own = join(appDir, 'server.js');
  const res = await fetch(`${routeUrl}/attack`, {
    method: 'POST',
    body: JSON.stringify({ ...target, files: [own, '/etc/hostname', ...target.files], tcp: caddyPorts }),
  });
  const text = await res.text();
  assert.is(res.status, 200, `the prober answered through its route: ${text}`);
  const report = JSON.parse(text) as AttackReport;
  assert.is(report.files[own], 'ok');
  assert.is(report.files['/etc/hostname'], 'ok');
  const readable = Object.entries(report.files).filter(([f, r]) => r === 'ok' && f !== own && f !== '/etc/hostname');
  assert.equal(readable, [], 'no file of the data dir could be read');
  assert.equal(
    Object.entries(report.dirs).filter(([, r]) => r === 'ok'),
    [],
    'no dir of the data dir could be listed',
  );
  assert.ok(
    Object.values(report.files).filter((r) => r === 'EACCES').length === target.files.length,
    'each refused with EACCES',
  );
  for (const [s, r] of Object.entries(report.sockets)) assert.is(r, 'EACCES', `the admin socket ${s} is out of reach`);
  const admin = Object.entries(report.tcp).filter(([, r]) => r.includes('"admin"') || r.includes('"apps"'));
  assert.equal(admin, [], 'no TCP port of Caddy answers with its config');
});

test('a source with a symlink to /etc fails the deployment with a clear message; the prober keeps serving', async () => {
  symlinkSync('/etc', join(project.dir, 'web', 'etc'));
  const r = await project.cli(['deploy', '--json']);
  rmSync(join(project.dir, 'web', 'etc'));
  assert.is(r.code, 1, r.stderr);
  const records = await project.json<DeploymentRecord[]>(['status', '--all']);
  const failed = records.find((d) => d.status === 'failed');
  assert.ok(failed, 'the deployment failed');
  assert.match(failed!.failureMessage ?? '', /source archive refused: "etc" links to "\/etc", outside the release/);
  assert.is(await (await fetch(`${routeUrl}/ready`)).text(), 'ready');
});

test.run();
