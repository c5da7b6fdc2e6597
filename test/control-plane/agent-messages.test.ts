// The cases that used to silence or kill a node agent, each against a real cluster: it answers on and stays up.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { RPC, subjects, type DeploymentRecord } from '../../packages/protocol/index.js';
import { call } from '../../cluster/rpc/index.js';
import { Project, alive } from '../harness/project.js';
import { webProject } from '../e2e/apps.js';

const project = new Project(webProject({ version: 'v1' }));
let nc: NatsConnection;
let nodeId: string;
let pids: Record<string, number | null>;

test.before(async () => {
  const ctx = await project.up();
  pids = { ...ctx.children };
  nc = await connect({ servers: ctx.natsUrl, name: 'agent-messages-test', ...project.natsOptions('node') });
  nodeId = (await call(nc, RPC.api.nodes, undefined, {})).nodes[0]!.id;
});
test.after(async () => {
  await nc?.close();
  await project.remove();
});

const rawReply = async (subject: string, body: string) =>
  JSON.parse(new TextDecoder().decode((await nc.request(subject, body, { timeout: 5_000 })).data));
const stillServing = async () =>
  assert.ok(Array.isArray((await call(nc, RPC.api.status, undefined, {}, { timeoutMs: 2_000 })).deployments));

test('`{}` on the leader subject gets INVALID_ARGUMENT, and the agent keeps answering the API', async () => {
  const reply = await rawReply(subjects.leader('deploy'), '{}');
  assert.equal([reply.ok, reply.error.code], [false, 'INVALID_ARGUMENT']);
  await stillServing();
});

test('`null` on a node subject gets INVALID_ARGUMENT, and the agent keeps answering the API', async () => {
  for (const verb of ['stop', 'deliver', 'transitions']) {
    const reply = await rawReply(subjects.node(nodeId, verb), 'null');
    assert.equal([reply.ok, reply.error.code], [false, 'INVALID_ARGUMENT'], verb);
  }
  await stillServing();
});

test('`env list` of a 2.4 MB environment arrives whole (chunked), again and again, and nothing restarts', async () => {
  const value = 'v'.repeat(60 * 1024);
  for (let i = 0; i < 40; i++)
    await call(nc, RPC.api['env.set'], undefined, { environment: 'big', name: `V${i}`, value });
  for (let round = 0; round < 2; round++) {
    const out = await project.json<{ variables: Array<{ name: string; value: string }> }>([
      'env',
      'list',
      '--env',
      'big',
    ]);
    const vars = Array.isArray(out) ? out : out.variables;
    assert.is(vars.length, 40);
    assert.ok(vars.every((v) => v.value === value));
  }
  assert.equal(project.context().children, pids, 'no process was restarted');
  assert.ok(Object.values(pids).every((p) => p === null || alive(p)));
});

test('a deploy retried with the same idempotency key creates one deployment', async () => {
  await project.ok(['deploy']);
  const [active] = await project.json<DeploymentRecord[]>(['status']);
  const request = {
    environment: 'production',
    services: [
      {
        name: 'web',
        config: {
          path: './web',
          start: 'node server.js',
          readiness: { path: '/ready', intervalMs: 50, timeoutMs: 15000 },
        },
        sourceDigest: active!.sourceDigest,
      },
    ],
    force: true,
    idempotencyKey: 'retry-me-once-1234',
  };
  const first = await call(nc, RPC.api.deploy, undefined, request);
  const again = await Promise.all([
    call(nc, RPC.api.deploy, undefined, request),
    call(nc, RPC.api.deploy, undefined, request),
  ]);
  assert.is(first.deployments.length, 1);
  for (const r of again)
    assert.equal(
      r.deployments.map((d) => d.id),
      first.deployments.map((d) => d.id),
    );
  const all = await project.json<DeploymentRecord[]>(['status', '--all']);
  assert.is(all.length, 2, 'the first deploy and one forced redeploy, not three');
  const other = await call(nc, RPC.api.deploy, undefined, { ...request, idempotencyKey: 'another-key-5678' });
  assert.is.not(other.deployments[0]!.id, first.deployments[0]!.id, 'a new key is a new deploy');
});

test.run();
