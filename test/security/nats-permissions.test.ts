// Per-role permissions on a real nats-server configured as `up` configures it: forbidden operations are refused, needed ones work.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from '@nats-io/transport-node';
import { nkeyAuthenticator, nkeys } from '@nats-io/nats-core';
import { BUCKETS, OBJECT_STORES, RPC, keys, subjects } from '../../packages/protocol/index.js';
import { serve } from '../../cluster/rpc/index.js';
import { connectCluster, ensureCluster, type ClusterConnection } from '../../cluster/index.js';
import type { Role } from '../../packages/cli/supervisor/role-permissions.js';
import { startNatsServer, type NatsServer } from '../harness/nats-server.js';
import { publishRefused, requestRefused, subscribeRefused } from './permission-probes.js';

let server: NatsServer;
const conns = new Map<Role, ClusterConnection>();
const as = (role: Role) => conns.get(role)!;
const RECORD_KEY = keys.deployment('production', 'web', '0forged0000001');

test.before(async () => {
  server = await startNatsServer('auth', { auth: {} });
  for (const role of ['node', 'edge', 'cli', 'dashboard', 'dashboard-actions'] as const) {
    conns.set(
      role,
      await connectCluster({
        servers: server.url,
        name: `perm-${role}`,
        nats: { ...server.auth!.options(role), maxReconnectAttempts: 0 },
      }),
    );
  }
  await ensureCluster(as('node'));
  // A stand-in node agent: answers every API verb and node command, so a refused request is told apart from "no responders".
  as('node').nc.subscribe('compartment.api.>', {
    queue: 'compartment-api',
    callback: (_e, m) => void m.respond('{"ok":true}'),
  });
  as('node').nc.subscribe('compartment.node.n1.>', { callback: (_e, m) => void m.respond('{"ok":true}') });
  await as('node').nc.flush();
});

test.after(async () => {
  const violations =
    server
      ?.output()
      .split('\n')
      .filter((l) => /Violation/.test(l)) ?? [];
  if (process.env.SHOW_VIOLATIONS) console.log(violations.join('\n'));
  for (const c of conns.values()) await c.close().catch(() => undefined);
  await server?.dispose();
});

test('anonymous and unknown-key connections are refused', async () => {
  const anonymous = await connect({ servers: server.url, maxReconnectAttempts: 0 }).then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(anonymous, 'anonymous connect must fail');
  assert.match(anonymous!.message, /authoriz/i);
  const stranger = new TextEncoder().encode(new TextDecoder().decode(nkeys.createUser().getSeed()));
  const unknown = await connect({
    servers: server.url,
    authenticator: nkeyAuthenticator(stranger),
    maxReconnectAttempts: 0,
  }).then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(unknown, 'a key the server does not list must fail');
});

test('edge: cannot write a deployment record, a variable, a node heartbeat or a node command; can heartbeat and read routes', async () => {
  const nc = as('edge').nc;
  assert.ok(
    await requestRefused(nc, `$KV.${BUCKETS.deployments}.${RECORD_KEY}`, '{"record":{}}'),
    'deployment record write refused',
  );
  assert.ok(await requestRefused(nc, `$KV.${BUCKETS.variables}.production.SECRET`, 'x'));
  assert.ok(await requestRefused(nc, `$KV.${BUCKETS.nodes}.node.n1`, '{}'), 'forged node heartbeat refused');
  assert.ok(await publishRefused(nc, subjects.node('n1', 'deliver')), 'forged statechart event refused');
  assert.ok(
    await requestRefused(
      nc,
      `$JS.API.STREAM.INFO.KV_${BUCKETS.variables}`.replace('INFO', 'MSG.GET'),
      '{"last_by_subj":"$KV.compartment_variables.>"}',
    ),
  );
  assert.ok(await requestRefused(nc, `$JS.API.STREAM.DELETE.KV_${BUCKETS.deployments}`));
  const record = await (await as('node').kvm.open(BUCKETS.deployments)).get(RECORD_KEY);
  assert.is(record, null, 'no record was written');
  // Allowed: its own heartbeat, reading routes.
  assert.ok((await as('edge').js.publish(`$KV.${BUCKETS.nodes}.edge.e1`, '{}')).seq > 0);
  assert.is(await (await as('edge').kvm.open(BUCKETS.routes)).get('route.production.web'), null);
});

test('edge: answers edge.state (a reply to another role inbox is allowed once)', async () => {
  const sub = as('edge').nc.subscribe(subjects.edgeState, { callback: (_e, m) => void m.respond('{"state":1}') });
  await as('edge').nc.flush();
  const reply = await as('node').nc.request(subjects.edgeState, '', { timeout: 2000 });
  assert.equal(reply.json(), { state: 1 });
  sub.unsubscribe();
});

test('dashboard: reads but cannot deploy, roll back or set variables; dashboard-actions can deploy, not set variables', async () => {
  const nc = as('dashboard').nc;
  for (const verb of ['deploy', 'rollback', 'env.set', 'env.unset'] as const)
    assert.ok(await requestRefused(nc, subjects.api(verb)), `dashboard ${verb} refused`);
  for (const verb of ['status', 'inspect', 'logs', 'nodes', 'chart', 'watch', 'feed'] as const)
    assert.equal((await nc.request(subjects.api(verb), '{}', { timeout: 2000 })).json(), { ok: true });
  assert.ok(await requestRefused(nc, subjects.node('n1', 'transitions')), 'journals come through the API');
  assert.ok(await subscribeRefused(nc, subjects.inspectAll), 'live transitions come through `feed`');
  // Records come through `feed` too: the stored format is no contract of the dashboard's, it cannot read the bucket.
  const stream = `KV_${BUCKETS.deployments}`;
  assert.ok(await requestRefused(nc, `$JS.API.STREAM.INFO.${stream}`), 'cannot open the deployments bucket');
  assert.ok(
    await requestRefused(
      nc,
      `$JS.API.DIRECT.GET.${stream}`,
      JSON.stringify({ last_by_subj: `$KV.${BUCKETS.deployments}.${RECORD_KEY}` }),
    ),
  );
  assert.ok(await requestRefused(nc, `$JS.API.CONSUMER.CREATE.${stream}`), 'cannot watch the deployments bucket');
  assert.ok(await subscribeRefused(nc, '_INBOX.>'), 'cannot read replies meant for others');
  assert.ok(await subscribeRefused(nc, '_INBOX_node.>'));
  const actions = as('dashboard-actions').nc;
  assert.equal((await actions.request(subjects.api('deploy'), '{}', { timeout: 2000 })).json(), { ok: true });
  assert.ok(await requestRefused(actions, subjects.api('env.set')));
});

test('cli: calls every verb, uploads sources; cannot answer as a node, the leader, an edge or the API', async () => {
  const cli = as('cli');
  for (const verb of ['deploy', 'watch', 'source.check'] as const)
    assert.equal((await cli.nc.request(subjects.api(verb), '{}', { timeout: 2000 })).json(), { ok: true });
  const store = await cli.objm.open(OBJECT_STORES.sources);
  await store.putBlob({ name: 'sha256-perm-test' }, new Uint8Array([1, 2, 3]));
  const stored = await (await as('node').objm.open(OBJECT_STORES.sources)).getBlob('sha256-perm-test');
  assert.equal([...stored!], [1, 2, 3], 'the node reads what the CLI uploaded');
  for (const subject of [
    subjects.node('n1', 'deliver'),
    'compartment.node.>',
    subjects.leader('place'),
    subjects.edgeState,
    subjects.api('status'),
    '$SRV.>',
  ]) {
    assert.ok(await subscribeRefused(cli.nc, subject), `cli subscribe ${subject} refused`);
  }
  assert.ok(
    await subscribeRefused(cli.nc, subjects.api('deploy'), 'compartment-api'),
    'cannot join the API queue group',
  );
  assert.ok(await publishRefused(cli.nc, subjects.node('n1', 'deliver')), 'cannot forge a statechart event');
  assert.ok(
    await requestRefused(cli.nc, `$KV.${BUCKETS.deployments}.${RECORD_KEY}`, '{}'),
    'cannot write records directly',
  );
  assert.ok(
    await requestRefused(cli.nc, `$JS.API.STREAM.PURGE.OBJ_${OBJECT_STORES.sources}`),
    'cannot wipe the sources',
  );
  assert.ok(
    await requestRefused(cli.nc, `$JS.API.STREAM.DELETE.KV_${BUCKETS.deployments}`),
    'cannot delete the records',
  );
});

test('cli: speaks only the API: no direct read of the deployments bucket, no node subject, no store creation', async () => {
  const cli = as('cli');
  await as('node')
    .kvm.open(BUCKETS.deployments)
    .then((kv) => kv.put(RECORD_KEY, '{"record":{}}'));
  const kvStream = `KV_${BUCKETS.deployments}`;
  assert.ok(
    await requestRefused(cli.nc, `$JS.API.DIRECT.GET.${kvStream}.$KV.${BUCKETS.deployments}.${RECORD_KEY}`, ''),
    'cannot read a record directly',
  );
  assert.ok(await requestRefused(cli.nc, `$JS.API.STREAM.INFO.${kvStream}`), 'cannot open the bucket');
  assert.ok(await requestRefused(cli.nc, `$JS.API.CONSUMER.CREATE.${kvStream}`), 'cannot watch the bucket');
  const read = await cli.kvm
    .open(BUCKETS.deployments)
    .then((kv) => kv.get(RECORD_KEY))
    .then(
      () => null,
      (e: Error) => e,
    );
  assert.ok(read, 'the KV client is refused too');
  assert.match(`${read!.message} ${(read as Error & { cause?: Error }).cause?.message ?? ''}`, /permission/i);
  assert.ok(await requestRefused(cli.nc, subjects.node('n1', 'transitions')), 'asks no node directly');
  assert.ok(await subscribeRefused(cli.nc, subjects.inspect('0forged0000001')), 'hears transitions through watch only');
  assert.ok(
    await requestRefused(cli.nc, `$JS.API.STREAM.CREATE.OBJ_${OBJECT_STORES.sources}`),
    'the server owns the sources store and its settings',
  );
});

test('a stored value that JetStream delivers onto a node or API subject reaches no handler', async () => {
  const edge = as('edge');
  await edge.js.publish(`$KV.${BUCKETS.nodes}.edge.e1`, '{"forged":true}');
  // A raw subscription proves the deliveries happen; the handlers served through the RPC layer never see them.
  const raw = await connect({ servers: server.url, ...server.auth!.options('node') });
  const seen = { raw: [] as string[], guarded: [] as string[] };
  for (const subject of [subjects.node('n2', 'deliver'), subjects.api('rollback')]) {
    // (A push delivery keeps the stored message's own subject: record the subscription's.)
    raw.subscribe(subject, { callback: () => void seen.raw.push(subject) });
  }
  const handled = (subject: string) => async (): Promise<never> => {
    seen.guarded.push(subject);
    throw new Error('a handler ran');
  };
  serve(as('node').nc, RPC.nodeDeliver, { nodeId: 'n2' }, handled(subjects.node('n2', 'deliver')));
  serve(as('node').nc, RPC.api.rollback, undefined, handled(subjects.api('rollback')));
  await Promise.all([raw.flush(), as('node').nc.flush()]);
  const stream = `KV_${BUCKETS.nodes}`;
  const consumer = {
    stream_name: stream,
    config: { deliver_subject: subjects.node('n2', 'deliver'), ack_policy: 'none', deliver_policy: 'all' },
  };
  const created = (
    await edge.nc.request(`$JS.API.CONSUMER.CREATE.${stream}`, JSON.stringify(consumer), { timeout: 2000 })
  ).json<{ error?: unknown }>();
  assert.is(created.error, undefined, JSON.stringify(created));
  edge.nc.publish(`$JS.API.DIRECT.GET.${stream}`, JSON.stringify({ last_by_subj: `$KV.${BUCKETS.nodes}.edge.e1` }), {
    reply: subjects.api('rollback'),
  });
  await sleep(1000);
  assert.ok(
    seen.raw.includes(subjects.node('n2', 'deliver')),
    'JetStream delivered the heartbeat onto the node subject',
  );
  assert.ok(seen.raw.includes(subjects.api('rollback')), 'the direct get answered onto the API subject');
  assert.equal(seen.guarded, [], 'no handler saw them');
  await raw.close();
});

test.run();
