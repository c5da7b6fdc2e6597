// `compartment deploy` against a real nats-server and object store, with a stand-in API: validation, upload, request, live progress.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import {
  BUCKETS,
  DeploymentRecord,
  OBJECT_STORES,
  keys,
  type DeploymentRecord as Rec,
} from '../../packages/protocol/index.js';
import { packSource } from '../../packages/cli/index.js';
import { startNatsServer, type NatsServer } from '../harness/nats-server.js';
import { tempDir } from '../harness/tmp.js';
import { sleep } from '../harness/wait.js';
import { startResponder, type Responder } from './api-responder.js';
import { RecordFeed } from './record-feed.js';
import { cli } from './cli-runner.js';
import { advance, makeRecord } from '../harness/records.js';

let server: NatsServer;
let nc: NatsConnection;
let kv: KV;
let api: Responder;
const project = tempDir('cli-deploy-');
const run = (args: string[], cwd = project.path) => cli([...args, '--nats', server.url], { cwd });

const CONFIG = `
environments:
  staging:
    variables: { LOG_LEVEL: debug, PORT_HINT: 3000 }
services:
  web:
    type: web
    path: ./web
    start: node server.js
    readiness: { path: /ready }
  worker:
    type: worker
    path: ./worker
    start: node worker.js
`;

function writeProject(dir: string, config = CONFIG): void {
  mkdirSync(join(dir, 'web'), { recursive: true });
  mkdirSync(join(dir, 'worker'), { recursive: true });
  writeFileSync(join(dir, 'compartment.yaml'), config);
  writeFileSync(
    join(dir, 'web/server.js'),
    'require("http").createServer((q, s) => s.end("ok")).listen(process.env.PORT)\n',
  );
  writeFileSync(join(dir, 'worker/worker.js'), 'setInterval(() => {}, 1000)\n');
}

const feed = new RecordFeed();
const save = async (r: Rec) =>
  feed.add(
    r.id,
    await kv.put(
      keys.deployment(r.environmentName, r.serviceName, r.id),
      JSON.stringify({ record: r, snapshot: null, owner: 'test' }),
    ),
    r,
  );

/** Walks a record through the promotion stages in KV, the way a node agent persists after every transition. */
async function progress(r: Rec, outcome: 'succeeded' | 'failed'): Promise<void> {
  const steps: Partial<Rec>[] = [
    { status: 'running', promotionStage: 'building' },
    { promotionStage: 'starting_candidate' },
    { promotionStage: 'checking_readiness' },
    {
      readiness: {
        attempts: 1,
        recent: [{ at: new Date().toISOString(), ok: false, detail: 'connect ECONNREFUSED', latencyMs: 1 }],
      },
    },
  ];
  if (outcome === 'failed') {
    steps.push({
      status: 'failed',
      health: 'unhealthy',
      failureMessage: 'readiness timed out after 100 ms',
      completedAt: new Date().toISOString(),
    });
  } else {
    steps.push(
      {
        health: 'healthy',
        readiness: {
          attempts: 2,
          recent: [{ at: new Date().toISOString(), ok: true, detail: 'GET /ready → 200 OK', latencyMs: 2 }],
        },
      },
      { promotionStage: 'switching_route' },
      { promotionStage: 'draining_previous' },
      { promotionStage: 'active', status: 'succeeded', isActive: true, completedAt: new Date().toISOString() },
    );
  }
  let current = r;
  for (const step of steps) {
    await sleep(30);
    current = advance(current, step);
    await save(current);
  }
}

/** The deploy verb: a record per service (workers get no URL); a service named in `fail` fails at readiness. */
function deployHandler(fail: string[] = []) {
  return async (body: any) => {
    const deployments = body.services.map((s: any) =>
      makeRecord({
        serviceName: s.name,
        environmentName: body.environment,
        sourceDigest: s.sourceDigest,
        serviceType: s.config.type,
        routeUrl: s.config.type === 'worker' ? null : 'http://127.0.0.1:8100',
      }),
    );
    for (const d of deployments) await save(d);
    for (const d of deployments) inFlight.push(progress(d, fail.includes(d.serviceName) ? 'failed' : 'succeeded'));
    return { deployments, unchanged: [] };
  };
}

/** Progressions still writing to KV (a --detach run does not wait for them); after() waits before closing. */
const inFlight: Promise<void>[] = [];

const sent = (verb = 'deploy') => api.requests.filter((r) => r.verb === verb).map((r) => r.body);

async function storedObjects(): Promise<string[]> {
  const names: string[] = [];
  const jsm = await (await import('@nats-io/jetstream')).jetstreamManager(nc);
  const streams = await jsm.streams.names().next();
  if (!streams.includes(`OBJ_${OBJECT_STORES.sources}`)) return names;
  const store = await new Objm(nc).open(OBJECT_STORES.sources);
  for (const info of await store.list()) names.push(info.name);
  return names;
}

test.before(async () => {
  server = await startNatsServer('cli-deploy');
  nc = await connect({ servers: server.url });
  kv = await new Kvm(nc).create(BUCKETS.deployments, { history: 5 });
  api = startResponder(nc, {
    deploy: deployHandler(['worker']),
    watch: feed.watch,
    'source.check': feed.sourceCheck(nc),
  });
  writeProject(project.path);
});

test.after(async () => {
  try {
    await Promise.allSettled(inFlight);
    api?.stop();
    await nc?.close();
  } finally {
    await server?.dispose();
    project.remove();
  }
});

test('bad compartment.yaml or flags: exit 2 naming the field path; no request sent, nothing uploaded', async () => {
  const bad = tempDir('cli-deploy-bad-');
  try {
    const cases: Array<[string, string | null, RegExp]> = [
      [
        'unknown field',
        CONFIG.replace('type: web', 'type: web\n    colour: blue'),
        /services\.web\.colour: unknown field/,
      ],
      ['bad service name', CONFIG.replace('  web:', '  Web_1:'), /services\.Web_1: invalid name/],
      ['wrong type', CONFIG.replace('type: web', 'type: web\n    port: "abc"'), /services\.web\.port: expected number/],
      ['YAML syntax', CONFIG + '\n  broken: [1, 2\n', /compartment\.yaml line \d+/],
      ['missing source dir', CONFIG.replace('./worker', './nowhere'), /services\.worker\.path/],
    ];
    for (const [what, config, expected] of cases) {
      writeProject(bad.path, config!);
      if (what === 'missing source dir') rmSync(join(bad.path, 'worker'), { recursive: true });
      const r = await run(['deploy'], bad.path);
      assert.is(r.code, 2, `${what}: ${r.stderr}`);
      assert.match(r.stderr, expected, what);
    }
    // The connection opens while the sources are read: bad input still wins over a cluster that cannot be reached.
    writeProject(bad.path, CONFIG.replace('type: web', 'type: web\n    colour: blue'));
    const unreachable = await run(['deploy', '--nats', 'nats://127.0.0.1:1'], bad.path);
    assert.is(unreachable.code, 2, unreachable.stderr);
    assert.match(unreachable.stderr, /services\.web\.colour: unknown field/);
    writeProject(bad.path);
    const flags: Array<[string[], RegExp]> = [
      [['deploy', '--service', 'nope'], /--service nope: no such service/],
      [['deploy', '--service', 'BAD!'], /--service "BAD!"/],
      [['deploy', '--env', 'Prod'], /--env "Prod"/],
      [['deploy', '--bogus'], /unknown option '--bogus'/],
    ];
    for (const [args, expected] of flags) {
      const r = await run(args, bad.path);
      assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, expected);
    }
    rmSync(join(bad.path, 'compartment.yaml'));
    assert.is((await run(['deploy'], bad.path)).code, 2, 'no compartment.yaml');
    assert.equal(api.requests, [], 'no request reached the API');
    assert.equal(await storedObjects(), [], 'nothing was uploaded');
  } finally {
    bad.remove();
  }
});

test('deploy uploads sources, sends the request, follows progress to the end: exit 1 when one fails', async () => {
  const r = await run(['deploy', '--env', 'staging']);
  assert.is(r.code, 1, r.stderr);
  const [body] = sent();
  assert.is(body.environment, 'staging');
  assert.equal(body.environmentVariables, { LOG_LEVEL: 'debug', PORT_HINT: '3000' });
  assert.equal(
    body.services.map((s: any) => s.name),
    ['web', 'worker'],
  );
  assert.is(body.force, false);
  const web = await packSource(join(project.path, 'web'));
  assert.is(body.services[0].sourceDigest, web.digest, 'the digest is of the deterministic tarball');
  assert.equal((await storedObjects()).sort(), body.services.map((s: any) => s.sourceDigest).sort());
  const info = await (await new Objm(nc).open(OBJECT_STORES.sources)).info(web.digest);
  assert.is(info?.size, web.bytes.length);

  assert.match(r.stdout, /web: source sha256-[0-9a-f]{12}… uploaded 1 file, \d+ B/);
  assert.match(r.stdout, /web\s+\w+\s+stage checking_readiness/);
  assert.match(r.stdout, /web\s+\w+\s+readiness attempt 2: GET \/ready → 200 OK \(ready\)/);
  assert.match(r.stdout, /web\s+\w+\s+succeeded: http:\/\/127\.0\.0\.1:8100/);
  assert.match(r.stdout, /worker\s+\w+\s+failed: readiness timed out after 100 ms/);
  assert.match(r.stdout, /1 succeeded, 1 failed/);
  assert.not.match(r.stdout, /\x1b\[/, 'no colour when stdout is not a TTY');
});

test('all succeed: exit 0; unchanged sources are not uploaded again, an existing object is never overwritten', async () => {
  api.handlers.deploy = deployHandler();
  const worker = await packSource(join(project.path, 'worker'));
  writeFileSync(join(project.path, 'web/extra.js'), '// a change\n');
  const web = await packSource(join(project.path, 'web'));
  const store = await new Objm(nc).open(OBJECT_STORES.sources);
  await store.putBlob({ name: web.digest }, new TextEncoder().encode('placeholder'));

  const r = await run(['deploy', '--json']);
  assert.is(r.code, 0, r.stderr);
  const events = r.json() as any[];
  const sources = events.filter((e) => e.type === 'source');
  assert.equal(
    sources.map((s) => [s.serviceName, s.sourceDigest, s.uploaded]),
    [
      ['web', web.digest, false],
      ['worker', worker.digest, false],
    ],
  );
  assert.is((await store.info(web.digest))?.size, 'placeholder'.length, 'the existing object was left alone');
});

test('--json: one JSON object per line: source, deploy.accepted, deployment.updated…, deploy.finished last', async () => {
  const r = await run(['deploy', '--json', '--service', 'web']);
  assert.is(r.code, 0, r.stderr);
  const events = r.json() as any[];
  assert.equal(
    events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]),
    ['source', 'deploy.accepted', 'deployment.updated', 'deploy.finished'],
  );
  const accepted = events[1];
  assert.is(accepted.deployments.length, 1);
  const updates = events.filter((e) => e.type === 'deployment.updated');
  for (const u of updates) DeploymentRecord.parse(u.deployment);
  assert.equal(
    [...new Set(updates.map((u) => u.deployment.promotionStage))],
    ['building', 'starting_candidate', 'checking_readiness', 'switching_route', 'draining_previous', 'active'],
  );
  const finished = events[events.length - 1];
  assert.equal(
    { ok: finished.ok, succeeded: finished.succeeded, failed: finished.failed },
    { ok: true, succeeded: [accepted.deployments[0].id], failed: [] },
  );
  assert.is(finished.deployments[0].status, 'succeeded');
  assert.equal(
    sent()
      .at(-1)
      .services.map((s: any) => s.name),
    ['web'],
    '--service selects what is sent',
  );
});

test('the digest follows content: not mtimes, not ignored files', async () => {
  const digestOfRun = async () => {
    const r = await run(['deploy', '--service', 'web', '--detach']);
    assert.is(r.code, 0, r.stderr);
    return sent().at(-1).services[0].sourceDigest as string;
  };
  const first = await digestOfRun();
  utimesSync(join(project.path, 'web/server.js'), new Date('2010-01-01'), new Date('2010-01-01'));
  writeFileSync(join(project.path, 'web/.compartmentignore'), '*.tmp\n');
  const withIgnoreFile = await digestOfRun();
  assert.is.not(withIgnoreFile, first, '.compartmentignore itself is part of the source');
  writeFileSync(join(project.path, 'web/scratch.tmp'), 'ignored');
  mkdirSync(join(project.path, 'web/node_modules/x'), { recursive: true });
  writeFileSync(join(project.path, 'web/node_modules/x/i.js'), 'ignored');
  assert.is(await digestOfRun(), withIgnoreFile, 'ignored files and mtimes do not change the digest');
  writeFileSync(join(project.path, 'web/server.js'), 'changed\n');
  assert.is.not(await digestOfRun(), withIgnoreFile, 'a changed file changes the digest');
});

test('--detach prints the created ids and returns at once; unchanged services are reported', async () => {
  const unchangedId = 'keep123';
  api.handlers.deploy = async (body: any) => {
    const d = makeRecord({ serviceName: 'web', sourceDigest: body.services[0].sourceDigest });
    await save(d);
    return { deployments: [d], unchanged: [{ serviceName: 'worker', deploymentId: unchangedId }] };
  };
  const r = await run(['deploy', '--detach', '--force']);
  assert.is(r.code, 0, r.stderr);
  assert.is(sent().at(-1).force, true);
  assert.match(r.stdout, /worker: unchanged \(deployment keep123 keeps serving/);
  assert.match(r.stdout, /web: deployment \w+ created/);
  assert.not.match(r.stdout, /succeeded/);

  api.handlers.deploy = () => ({ deployments: [], unchanged: [{ serviceName: 'web', deploymentId: unchangedId }] });
  const none = await run(['deploy', '--service', 'web', '--json']);
  assert.is(none.code, 0, none.stderr);
  const last = (none.json() as any[]).at(-1);
  assert.equal(
    [last.type, last.ok, last.unchanged],
    ['deploy.finished', true, [{ serviceName: 'web', deploymentId: unchangedId }]],
  );
});

test('rollback follows the rolled-back-to deployment like deploy; --json ends with rollback.finished', async () => {
  const from = 'old123';
  api.handlers.rollback = async (body: any) => {
    const d = makeRecord({
      serviceName: body.service,
      environmentName: body.environment,
      trigger: 'rollback',
      routeUrl: 'http://127.0.0.1:8100',
    });
    await save(d);
    inFlight.push(progress(d, 'succeeded'));
    return { deployment: d, from };
  };
  const r = await run(['rollback', '--service', 'web', '--env', 'staging']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /web: rolling back from old123 to \w+/);
  assert.match(r.stdout, /succeeded: http:\/\/127\.0\.0\.1:8100/);
  const { idempotencyKey, ...rest } = sent('rollback').at(-1);
  assert.equal(rest, { environment: 'staging', service: 'web' });
  assert.match(idempotencyKey, /^[A-Za-z0-9_-]{22}$/, 'a fresh key per command, so a retry is never a second rollback');
  const j = await run(['rollback', '--service', 'web', '--json']);
  const events = j.json() as any[];
  assert.is(events[0].type, 'rollback.accepted');
  assert.equal(
    { type: events.at(-1).type, ok: events.at(-1).ok, from: events.at(-1).from },
    { type: 'rollback.finished', ok: true, from },
  );
});

test('a deployment whose entry is deleted while watched counts as failed (exit 1)', async () => {
  api.handlers.deploy = async (body: any) => {
    const d = makeRecord({ serviceName: 'web', sourceDigest: body.services[0].sourceDigest });
    await save(d);
    const remove = async () => {
      await sleep(100);
      await kv.delete(keys.deployment(d.environmentName, d.serviceName, d.id));
      feed.add(d.id, Number.MAX_SAFE_INTEGER, null);
    };
    inFlight.push(remove());
    return { deployments: [d], unchanged: [] };
  };
  const r = await run(['deploy', '--service', 'web']);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stdout, /deleted from the cluster/);
  assert.match(r.stdout, /0 succeeded, 1 failed/);
});

test.run();
