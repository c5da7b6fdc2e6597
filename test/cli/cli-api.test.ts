// The CLI against a real nats-server and an in-test API responder: exit codes, output shapes, what is (not) sent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, jetstream } from '@nats-io/jetstream';
import {
  CompartmentError,
  DeploymentRecord,
  STREAMS,
  statusRowOf,
  subjects,
  type LogBatch,
} from '../../packages/protocol/index.js';
import { startNatsServer, type NatsServer } from '../harness/nats-server.js';
import { tempDir } from '../harness/tmp.js';
import { waitFor } from '../harness/wait.js';
import { startResponder, type Responder } from './api-responder.js';
import { cli, startCli } from './cli-runner.js';
import { advance, makeRecord } from '../harness/records.js';

let server: NatsServer;
let nc: NatsConnection;
let responder: Responder | null = null;
const project = tempDir('cli-api-');
const run = (args: string[], env: Record<string, string> = {}) =>
  cli([...args, '--nats', server.url], { cwd: project.path, env });
const api = () => (responder ??= startResponder(nc));

test.before(async () => {
  server = await startNatsServer('cli-api');
  nc = await connect({ servers: server.url });
});

test.after(async () => {
  try {
    responder?.stop();
    await nc?.close();
  } finally {
    await server?.dispose();
    project.remove();
  }
});

test('--help lists every command and exits 0 (its time is printed, not asserted)', async () => {
  const started = process.hrtime.bigint();
  const r = await cli(['--help'], { cwd: project.path });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`  compartment --help took ${ms.toFixed(0)} ms (process start included)`);
  assert.is(r.code, 0);
  for (const c of ['deploy', 'status', 'inspect', 'rollback', 'logs', 'env', 'up', 'down', 'node', 'edge']) {
    assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
  }
  assert.not.match(r.stdout, /foreground/, 'the supervisor flag is hidden');
  assert.is((await cli(['up', '--help'], { cwd: project.path })).stdout.includes('--foreground'), false);
});

test('nothing answers the API: CLUSTER_UNAVAILABLE, exit 1, with a hint to run `compartment up`', async () => {
  const r = await run(['status']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no Compartment node answers/);
  assert.match(r.stderr, /compartment up/);
  const j = await run(['status', '--json']);
  assert.equal((j.json()[0] as any).error.code, 'CLUSTER_UNAVAILABLE');
});

test('an error reply maps to its exit code through the registry, and --json carries the code', async () => {
  const h = api().handlers;
  h.inspect = () => {
    throw new CompartmentError('DEPLOYMENT_NOT_FOUND', 'no deployment abcdef123', 'id');
  };
  const r = await run(['inspect', 'abcdef123', '--json']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /no deployment abcdef123/);
  assert.equal(r.json(), [
    { error: { code: 'DEPLOYMENT_NOT_FOUND', message: 'no deployment abcdef123', field: 'id' } },
  ]);

  h.status = () => {
    throw new CompartmentError('SERVICE_NOT_FOUND', 'no service nope');
  };
  assert.is((await run(['status', '--service', 'nope'])).code, 2);
  h.status = () => {
    throw new CompartmentError('NO_NODE_AVAILABLE', 'no live node');
  };
  assert.is((await run(['status'])).code, 1);
});

test('status: the request carries the filters; text is a table, --json the array of records', async () => {
  const a = advance(makeRecord(), {
    status: 'succeeded',
    promotionStage: 'active',
    health: 'healthy',
    isActive: true,
    routeUrl: 'http://127.0.0.1:8100',
  });
  const b = makeRecord({ serviceName: 'worker', serviceType: 'worker' });
  const h = api().handlers;
  h.status = () => ({ deployments: [a, b] });
  const before = api().requests.length;
  const text = await run(['status', '--service', 'web', '--all', '--env', 'staging']);
  assert.is(text.code, 0, text.stderr);
  // The table also asks for the domains (with the same filters); a cluster that does not answer that shows none.
  assert.equal(api().requests.slice(before), [
    { verb: 'status', body: { environment: 'staging', service: 'web', all: true } },
    { verb: 'domains', body: { environment: 'staging', service: 'web' } },
  ]);
  const [header, ...rows] = text.stdout.trimEnd().split('\n');
  // --all is the history: who asked and the commit as two more columns ("-" for records without an audit).
  assert.match(
    header!,
    /^SERVICE\s+ENV\s+ID\s+STATUS\s+STAGE\s+HEALTH\s+INSTANCES\s+ACTIVE\s+URL\s+CREATED\s+COMPLETED\s+BY\s+COMMIT$/,
  );
  assert.is(rows.length, 2);
  assert.match(
    rows[0]!,
    new RegExp(`^web\\s+production\\s+${a.id}\\s+succeeded\\s+active\\s+healthy\\s+-\\s+yes\\s+http://127.0.0.1:8100`),
  );
  const json = await run(['status', '--json']);
  const [array] = json.json() as [unknown[]];
  assert.is(array.length, 2);
  for (const item of array) DeploymentRecord.parse(item);
  assert.equal((array[0] as any).routeUrl, 'http://127.0.0.1:8100');
  assert.equal(
    api().requests.at(-1),
    { verb: 'status', body: { environment: 'production', all: false } },
    '--json asks for whole records',
  );
});

test('plain status asks for table rows only and prints the same table from them', async () => {
  const a = advance(makeRecord(), {
    status: 'succeeded',
    promotionStage: 'active',
    health: 'healthy',
    isActive: true,
    routeUrl: 'http://127.0.0.1:8100',
  });
  const h = api().handlers;
  h.status = () => ({ deployments: [], rows: [statusRowOf(a)] });
  const text = await run(['status']);
  assert.is(text.code, 0, text.stderr);
  // Then the domains table's question (this stand-in has none to tell).
  assert.equal(api().requests.slice(-2), [
    { verb: 'status', body: { environment: 'production', all: false, rows: true } },
    { verb: 'domains', body: { environment: 'production' } },
  ]);
  const [header, ...rows] = text.stdout.trimEnd().split('\n');
  assert.match(
    header!,
    /^SERVICE\s+ENV\s+ID\s+STATUS\s+STAGE\s+HEALTH\s+INSTANCES\s+ACTIVE\s+URL\s+CREATED\s+COMPLETED$/,
  );
  assert.is(rows.length, 1);
  assert.match(
    rows[0]!,
    new RegExp(`^web\\s+production\\s+${a.id}\\s+succeeded\\s+active\\s+healthy\\s+-\\s+yes\\s+http://127.0.0.1:8100`),
  );
  // Rows travel in one message: an environment too large for that is asked again as whole records, which are chunked.
  h.status = (req: { rows?: boolean }) => {
    if (req.rows) throw new CompartmentError('TOO_LARGE', 'the reply to api.status is too large');
    return { deployments: [a] };
  };
  const again = await run(['status']);
  assert.is(again.code, 0, again.stderr);
  const asked = api()
    .requests.filter((r) => r.verb === 'status')
    .slice(-2)
    .map((r) => r.body);
  assert.equal(asked, [
    { environment: 'production', all: false, rows: true },
    { environment: 'production', all: false },
  ]);
  assert.match(again.stdout, new RegExp(`^web\\s+production\\s+${a.id}\\s+succeeded`, 'm'));
});

test('inspect shows the timeline, readiness attempts, node and statechart; --json the record; a bad id is not sent', async () => {
  const r0 = makeRecord();
  const r1 = advance(r0, { status: 'running', promotionStage: 'checking_readiness' });
  const r2 = advance(r1, {
    readiness: {
      attempts: 2,
      recent: [{ at: r1.updatedAt, ok: false, detail: 'connect ECONNREFUSED', latencyMs: 1.4 }],
    },
  });
  api().handlers.inspect = ({ id }) => (id === r2.id ? { deployment: r2 } : null);
  const text = await run(['inspect', r2.id]);
  assert.is(text.code, 0, text.stderr);
  assert.match(text.stdout, /stage\s+checking_readiness/);
  assert.match(text.stdout, /node\s+node-1/);
  assert.match(text.stdout, /statechart\s+status: running\s+stage: checking_readiness\s+health: pending/);
  assert.match(text.stdout, /building\s+queued/);
  assert.match(text.stdout, /readiness: 2 attempts/);
  assert.match(text.stdout, /not ready\s+1 ms\s+connect ECONNREFUSED/);
  const json = await run(['inspect', r2.id, '--json']);
  assert.equal(json.json(), [r2]);

  const before = api().requests.length;
  const bad = await run(['inspect', 'NOT-AN-ID']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /ID "NOT-AN-ID"/);
  assert.is(api().requests.length, before, 'nothing was sent');
});

test('rollback: ROLLBACK_UNAVAILABLE prints "rollback is not available: …", exit 1; no --service is exit 2 and nothing sent', async () => {
  api().handlers.rollback = () => {
    throw new CompartmentError('ROLLBACK_UNAVAILABLE', 'web in production has no previously active deployment');
  };
  const r = await run(['rollback', '--service', 'web']);
  assert.is(r.code, 1);
  assert.match(r.stderr, /rollback is not available: web in production has no previously active deployment/);
  const before = api().requests.length;
  const missing = await run(['rollback']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /--service/);
  assert.is(api().requests.length, before);
});

test('env set/unset/list send the verbs; secrets are hidden; KEY=VALUE is checked locally', async () => {
  const h = api().handlers;
  h['env.set'] = (b) => ({ environment: b.environment, name: b.name, changed: true });
  h['env.unset'] = (b) => ({ environment: b.environment, name: b.name, changed: false });
  h['env.list'] = (b) => ({
    environment: b.environment,
    variables: [
      { name: 'API_KEY', value: null, secret: true },
      { name: 'LOG_LEVEL', value: 'debug', secret: false },
    ],
  });
  const before = api().requests.length;
  const set = await run(['env', 'set', 'API_KEY=a=b c', '--secret', '--env', 'staging']);
  assert.is(set.code, 0, set.stderr);
  assert.match(set.stdout, /API_KEY set in staging/);
  const unset = await run(['env', 'unset', 'LOG_LEVEL']);
  assert.match(unset.stdout, /LOG_LEVEL was not set in production/);
  const list = await run(['env', 'list', '--env', 'staging']);
  assert.match(list.stdout, /API_KEY\s+\(secret\)/);
  assert.match(list.stdout, /LOG_LEVEL\s+debug/);
  const listJson = await run(['env', 'list', '--json']);
  assert.is((listJson.json()[0] as any).variables.length, 2);
  assert.equal(api().requests.slice(before, before + 3), [
    { verb: 'env.set', body: { environment: 'staging', name: 'API_KEY', value: 'a=b c', secret: true } },
    { verb: 'env.unset', body: { environment: 'production', name: 'LOG_LEVEL' } },
    { verb: 'env.list', body: { environment: 'staging' } },
  ]);
  const count = api().requests.length;
  assert.is((await run(['env', 'set', 'NOVALUE'])).code, 2);
  assert.is((await run(['env', 'set', '1BAD=x'])).code, 2);
  assert.is(api().requests.length, count);
});

test('env set KEY --secret reads the value from standard input (one trailing newline dropped); empty input is refused', async () => {
  const h = api().handlers;
  h['env.set'] = (b) => ({ environment: b.environment, name: b.name, changed: true });
  const stdin = (args: string[], input?: string) =>
    cli([...args, '--nats', server.url], { cwd: project.path, ...(input === undefined ? {} : { input }) });
  const before = api().requests.length;
  const piped = await stdin(['env', 'set', 'API_KEY', '--secret'], 'from = stdin \n');
  assert.is(piped.code, 0, piped.stderr);
  assert.not.ok((piped.stdout + piped.stderr).includes('from = stdin'), 'the value is not echoed');
  const keepsInner = await stdin(['env', 'set', 'PEM', '--secret', '--env', 'staging'], 'line1\nline2\n');
  assert.is(keepsInner.code, 0, keepsInner.stderr);
  assert.equal(
    api()
      .requests.slice(before)
      .map((r) => r.body),
    [
      { environment: 'production', name: 'API_KEY', value: 'from = stdin ', secret: true },
      { environment: 'staging', name: 'PEM', value: 'line1\nline2', secret: true },
    ],
  );
  const empty = await stdin(['env', 'set', 'API_KEY', '--secret'], '');
  assert.is(empty.code, 2);
  assert.match(empty.stderr, /no value for API_KEY on standard input/);
  assert.is((await stdin(['env', 'set', '1BAD', '--secret'], 'x')).code, 2);
  assert.is(api().requests.length, before + 2);
});

test('logs: recent lines in the spec format or as JSON; --follow reads new lines from nextSequence until Ctrl-C', async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: STREAMS.logs, subjects: [subjects.logsAll] });
  const js = jetstream(nc);
  const batch = (service: string, text: string): LogBatch => ({
    deploymentId: 'abc123',
    serviceName: service,
    environmentName: 'production',
    nodeId: null,
    stream: 'stdout',
    lines: [{ time: new Date().toISOString(), text }],
  });
  const publish = async (b: LogBatch) =>
    (await js.publish(subjects.logs(b.environmentName, b.serviceName, b.deploymentId, b.stream), JSON.stringify(b)))
      .seq;
  await publish(batch('web', 'old line, already returned by the logs verb'));
  const last = await publish(batch('web', 'server listening on :3000'));
  const recent = [
    {
      time: '2026-04-24T10:02:15.123Z',
      stream: 'stdout',
      text: 'server listening on :3000',
      deploymentId: 'abc123',
      serviceName: 'web',
      environmentName: 'production',
      nodeId: null,
    },
    {
      time: '2026-04-24T10:02:16.000Z',
      stream: 'compartment',
      text: 'GET /ready → 200 OK',
      deploymentId: 'abc123',
      serviceName: 'web',
      environmentName: 'production',
      nodeId: null,
    },
  ];
  api().handlers.logs = () => ({ lines: recent, nextSequence: last + 1 });
  const before = api().requests.length;
  const text = await run(['logs', '--service', 'web', '--tail', '5', '--since', '10m']);
  assert.is(text.code, 0, text.stderr);
  assert.is(
    text.stdout,
    '2026-04-24T10:02:15Z [stdout]      server listening on :3000\n2026-04-24T10:02:16Z [compartment] GET /ready → 200 OK\n',
  );
  const body = api().requests[before]!.body;
  assert.is(body.tail, 5);
  assert.ok(Math.abs(Date.now() - 600_000 - Date.parse(body.since)) < 60_000, `since ${body.since}`);
  assert.equal((await run(['logs', '--json'])).json(), recent);
  assert.is((await run(['logs', '--stream', 'nope'])).code, 2);

  const follow = startCli(['logs', '--service', 'web', '--follow', '--nats', server.url], { cwd: project.path });
  await waitFor('recent lines', () => follow.stdout().includes('GET /ready'));
  await publish(batch('api', 'another service: filtered out'));
  await publish(batch('web', 'a new line'));
  await waitFor('the followed line', () => follow.stdout().includes('a new line'));
  follow.child.kill('SIGINT');
  const done = await follow.done;
  assert.is(done.code, 130);
  assert.not.match(done.stdout, /filtered out/);
  assert.not.match(done.stdout, /old line/);
  assert.is(
    done.stdout.split('\n').filter((l) => l.includes('server listening')).length,
    1,
    'lines before nextSequence are not repeated',
  );
});

test('the NATS URL comes from COMPARTMENT_NATS_URL, else from .compartment/context.json', async () => {
  api().handlers.status = () => ({ deployments: [] });
  const viaEnv = await cli(['status'], { cwd: project.path, env: { COMPARTMENT_NATS_URL: server.url } });
  assert.is(viaEnv.code, 0, viaEnv.stderr);
  assert.match(viaEnv.stdout, /no deployments/);
  mkdirSync(join(project.path, '.compartment'), { recursive: true });
  const ports = { nats: server.port, dns: 1, caddyAdmin: 2, routes: [3, 4] };
  writeFileSync(
    join(project.path, '.compartment/context.json'),
    JSON.stringify({ natsUrl: server.url, pid: null, ports }),
  );
  const viaContext = await cli(['status'], { cwd: project.path });
  assert.is(viaContext.code, 0, viaContext.stderr);
});

test.run();
