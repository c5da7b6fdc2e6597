// `compartment up`/`down` for real: supervisor, nats-server, and a recording stand-in for edge and node; flags, restarts, stop order.

// Edge and node are the stand-in (COMPARTMENT_SERVER_BIN) until the real ones land.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { credentialsOptions } from '../../cluster/connection/index.js';
import { readClusterFile, readContext, type ClusterContext } from '../../packages/cli/index.js';
import { tempDir } from '../harness/tmp.js';
import { waitFor } from '../harness/wait.js';
import { cli, startCli } from './cli-runner.js';

const FAKE = fileURLToPath(new URL('./fake-server.js', import.meta.url));
const project = tempDir('cli-up-');
const fake = tempDir('cli-fake-');
const env = { COMPARTMENT_SERVER_BIN: FAKE, FAKE_SERVER_DIR: fake.path, FAKE_CRASH_ONCE: 'node' };
const run = (args: string[]) => cli(args, { cwd: project.path, env, timeoutMs: 90_000 });
const dataDir = join(project.path, '.compartment');
let first: ClusterContext;
let clusterKey = '';
let firstCreds = '';

const alive = (pid: number | null | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
};
const lines = (file: string) =>
  existsSync(join(fake.path, file))
    ? readFileSync(join(fake.path, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
    : [];
const context = () => readContext(project.path)!;
const creds = (role: string) => join(dataDir, 'credentials', `${role}.creds`);
/** `node` credentials: this test creates a bucket of its own, which only the control-plane role may do. */
const nodeOptions = () => credentialsOptions(creds('node'));

/** Everything this file may have started that is still alive (supervisors are detached: nobody else reaps them). */
function leftovers(): number[] {
  const c = readContext(project.path);
  const pids = [
    c?.pid,
    c?.children.node,
    c?.children.edge,
    c?.children.nats,
    ...[...lines('edge.starts'), ...lines('node.starts')].map((s) => s.pid),
  ];
  return pids.filter((p): p is number => alive(p));
}
// If the test process dies mid-way, after() never runs: kill synchronously on exit.
process.once('exit', () => {
  for (const pid of leftovers()) process.kill(pid, 'SIGKILL');
});

test.after(async () => {
  try {
    await run(['down']);
  } finally {
    // Backstop if `down` failed: nothing we started may outlive the test.
    for (const pid of leftovers()) process.kill(pid, 'SIGKILL');
    project.remove();
    fake.remove();
  }
});

test('up --detach starts nats-server, edge and node with the documented flags and returns once the API answers', async () => {
  const r = await run(['up', '--detach']);
  assert.is(r.code, 0, r.stderr + r.stdout);
  first = context();
  assert.is(r.stdout.trim(), first.natsUrl);
  assert.is(first.natsUrl, `nats://127.0.0.1:${first.ports.nats}`);
  assert.ok(alive(first.pid), 'the supervisor runs');
  assert.is(first.dataDir, dataDir);
  const kept = readClusterFile(project.path)!;
  assert.equal(kept.ports, first.ports);
  assert.is(kept.ports.routes[1] - kept.ports.routes[0], 99, '100 route ports');
  assert.is(new Set([kept.ports.nats, kept.ports.dns, kept.ports.caddyAdmin, kept.ports.routes[0]]).size, 4);

  const routes = `${first.ports.routes[0]}-${first.ports.routes[1]}`;
  // The API answering proves the node runs; the edge starts alongside it and may still be loading.
  await waitFor('the edge recorded its start', () => lines('edge.starts').length > 0);
  assert.equal(lines('edge.starts')[0].argv, [
    'edge',
    '--nats',
    first.natsUrl,
    '--data-dir',
    join(dataDir, 'edge'),
    '--dns-port',
    String(first.ports.dns),
    '--route-ports',
    routes,
    '--listen-host',
    '127.0.0.1',
    '--nats-creds',
    creds('edge'),
    '--https-port',
    String(first.ports.https),
    '--http-port',
    String(first.ports.http),
    '--tls',
    'internal',
  ]);
  assert.equal(lines('node.starts')[0].argv, [
    'node',
    '--nats',
    first.natsUrl,
    '--data-dir',
    join(dataDir, 'node'),
    '--route-ports',
    routes,
    '--route-host',
    '127.0.0.1',
    '--https-port',
    String(first.ports.https),
    '--edge-external',
    '--cluster-key',
    join(dataDir, 'cluster.key'),
    '--nats-creds',
    creds('node'),
  ]);
  // Credentials: made once, private; nats-server got a config file, no secret on its command line.
  assert.equal(readdirSync(join(dataDir, 'credentials')).sort(), [
    'cli.creds',
    'dashboard-actions.creds',
    'dashboard.creds',
    'edge.creds',
    'nats.conf',
    'node.creds',
    'route.password',
  ]);
  for (const f of readdirSync(join(dataDir, 'credentials')))
    assert.is(statSync(join(dataDir, 'credentials', f)).mode & 0o777, 0o600, f);
  assert.is(statSync(dataDir).mode & 0o777, 0o711, 'traverse-only: workloads reach their releases, list nothing');
  assert.is(statSync(join(dataDir, 'credentials')).mode & 0o777, 0o700);
  assert.equal(readFileSync(`/proc/${first.children.nats}/cmdline`, 'utf8').split('\0').filter(Boolean), [
    'nats-server',
    '-c',
    join(dataDir, 'credentials', 'nats.conf'),
  ]);
  firstCreds = readFileSync(creds('cli'), 'utf8');
  const anonymous = await connect({ servers: first.natsUrl, maxReconnectAttempts: 0 }).then(
    () => null,
    (e: Error) => e,
  );
  assert.match(String(anonymous?.message), /authoriz/i, 'anonymous connect refused');
  assert.is(statSync(join(dataDir, 'cluster.key')).mode & 0o777, 0o600, 'the cluster key file is 0600');
  assert.is(Buffer.from(readFileSync(join(dataDir, 'cluster.key'), 'utf8').trim(), 'base64').length, 32);
  clusterKey = readFileSync(join(dataDir, 'cluster.key'), 'utf8');
  assert.equal(readdirSync(join(dataDir, 'logs')).sort(), [
    'dashboard.log',
    'edge.log',
    'nats.log',
    'node.log',
    'supervisor.log',
  ]);

  // A JetStream server with its store in the data dir: written now, checked after down and up again.
  const nc = await connect({ servers: first.natsUrl, ...nodeOptions() });
  const kv = await new Kvm(nc).create('cli_up_persist');
  await kv.put('k', 'kept');
  await nc.close();
});

test('a child that exits unexpectedly is restarted, and context.json follows its pid', async () => {
  await waitFor('the node restarted', () => lines('node.starts').length >= 2, 15_000);
  const second = lines('node.starts')[1].pid;
  await waitFor('context names the new node', () => context().children.node === second);
  assert.ok(alive(second));
  assert.ok(!alive(lines('node.starts')[0].pid));
});

test('a second up says it is already up, exits 0 and starts nothing', async () => {
  const edges = lines('edge.starts').length;
  for (const args of [['up'], ['up', '--detach']]) {
    const r = await run(args);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`already up: NATS at ${first.natsUrl} \\(supervisor pid ${first.pid}\\)`));
  }
  assert.is(lines('edge.starts').length, edges);
  assert.is(context().pid, first.pid);
});

test('other commands in the project directory find the cluster through context.json', async () => {
  const r = await cli(['status'], { cwd: project.path });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /no deployments/);
});

test('down stops node, then edge, then nats, waits for them, and keeps the data', async () => {
  const c = context();
  const r = await run(['down']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /stopped; data kept/);
  for (const pid of [c.pid, c.children.node, c.children.edge, c.children.nats])
    assert.not.ok(alive(pid), `pid ${pid} is gone`);
  const stops = lines('stops.log');
  assert.equal(
    stops.map((s) => s.name),
    ['dashboard', 'node', 'edge'],
  );
  assert.ok(BigInt(stops[1].at) < BigInt(stops[2].at), 'node stopped before edge');
  assert.ok(
    stops.every((s) => s.natsUp),
    'NATS was still up while node and edge stopped',
  );
  assert.ok(existsSync(join(dataDir, 'nats', 'jetstream')), 'JetStream data kept');
  assert.is(context().pid, null);
  assert.match((await run(['down'])).stdout, /not running/);
});

test('foreground up reuses the kept ports and data, and stops everything on Ctrl-C', async () => {
  const up = startCli(['up'], { cwd: project.path, env, timeoutMs: 60_000 });
  await waitFor('ready', () => up.stdout().includes('ready: the API answers'), 30_000);
  const c = context();
  assert.equal(c.ports, first.ports, 'same ports as the first up');
  assert.is(readFileSync(join(dataDir, 'cluster.key'), 'utf8'), clusterKey, 'the same cluster key as the first up');
  assert.is(readFileSync(creds('cli'), 'utf8'), firstCreds, 'the credentials are reused, not made again');
  assert.is(c.pid, up.child.pid);
  const nc = await connect({ servers: c.natsUrl, ...nodeOptions() });
  assert.is((await (await new Kvm(nc).open('cli_up_persist')).get('k'))?.string(), 'kept');
  await nc.close();
  up.child.kill('SIGINT');
  const done = await up.done;
  assert.is(done.code, 0, done.stderr);
  for (const pid of [c.children.node, c.children.edge, c.children.nats])
    assert.not.ok(alive(pid), `pid ${pid} is gone`);
  assert.match(done.stdout, /stopping node, edge, nats/);
  assert.match(
    done.stdout,
    /up: dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}\n/,
    'a person at the terminal gets the URL with its token',
  );
});

test('down after the supervisor was killed outright still stops the children it left behind', async () => {
  const r = await run(['up', '--detach']);
  assert.is(r.code, 0, r.stderr);
  const c = context();
  process.kill(c.pid!, 'SIGKILL');
  await waitFor('supervisor gone', () => !alive(c.pid));
  assert.ok(alive(c.children.nats) && alive(c.children.node), 'its children outlive it (own process groups)');
  const down = await run(['down']);
  assert.is(down.code, 0, down.stderr);
  assert.match(down.stdout, /stopping node \(pid \d+\) left over/);
  assert.match(down.stdout, /not running/);
  for (const pid of [c.children.node, c.children.edge, c.children.nats])
    assert.not.ok(alive(pid), `pid ${pid} is gone`);
});

test.run();
