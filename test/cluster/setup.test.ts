// ensureCluster against a real nats-server: concurrent calls from several processes' connections, idempotence, retention limits.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nanos } from '@nats-io/nats-core';
import {
  connectCluster,
  ensureCluster,
  DEFAULT_LOG_MAX_AGE_MS,
  DEFAULT_LOG_MAX_BYTES,
  type ClusterConnection,
} from '../../cluster/index.js';
import { BUCKETS, CompartmentError, OBJECT_STORES, STREAMS, subjects } from '../../packages/protocol/index.js';
import { startNatsServer, type NatsServer } from '../harness/nats-server.js';

let server: NatsServer;
const conns: ClusterConnection[] = [];

test.before(async () => {
  server = await startNatsServer();
  for (let i = 0; i < 4; i++) conns.push(await connectCluster({ servers: server.url, name: `setup-${i}` }));
});
test.after(async () => {
  await Promise.all(conns.map((c) => c.close()));
  await server?.dispose();
});

test('four connections calling ensureCluster at once all succeed and create everything once', async () => {
  const results = await Promise.allSettled(conns.map((c) => ensureCluster(c)));
  assert.equal(
    results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status)),
    ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
  );
  const names: string[] = [];
  for await (const name of conns[0]!.jsm.streams.names()) names.push(name);
  assert.equal(
    names.sort(),
    [STREAMS.logs, ...Object.values(BUCKETS).map((b) => `KV_${b}`), `OBJ_${OBJECT_STORES.sources}`].sort(),
  );
  const { config } = await conns[0]!.jsm.streams.info(STREAMS.logs);
  assert.equal(config.subjects, [subjects.logsAll]);
  assert.is(config.max_age, nanos(DEFAULT_LOG_MAX_AGE_MS));
  assert.is(config.max_bytes, DEFAULT_LOG_MAX_BYTES);
  const kv = await conns[0]!.jsm.streams.info(`KV_${BUCKETS.deployments}`);
  assert.is(kv.config.max_msgs_per_subject, 1);
});

test('calling again with other log limits changes the retention, and is otherwise a no-op', async () => {
  await ensureCluster(conns[1]!, { logs: { maxAgeMs: 3_600_000, maxBytes: 64 * 1024 * 1024 } });
  const { config } = await conns[0]!.jsm.streams.info(STREAMS.logs);
  assert.is(config.max_age, nanos(3_600_000));
  assert.is(config.max_bytes, 64 * 1024 * 1024);
  await ensureCluster(conns[2]!, { logs: { maxAgeMs: 3_600_000, maxBytes: 64 * 1024 * 1024 } });
});

test('an unreachable server is CLUSTER_UNAVAILABLE', async () => {
  const error = await connectCluster({ servers: 'nats://127.0.0.1:1', name: 'nowhere' }).catch((e: unknown) => e);
  assert.instance(error, CompartmentError);
  assert.is((error as CompartmentError).code, 'CLUSTER_UNAVAILABLE');
});

test('the heartbeat and leader buckets expire silent entries; the members bucket keeps them', async () => {
  const conn = conns[0]!;
  const ttl = async (b: string) => (await conn.jsm.streams.info(`KV_${b}`)).config.max_age;
  assert.ok((await ttl(BUCKETS.nodes)) > 0, 'heartbeats expire');
  assert.ok((await ttl(BUCKETS.leader)) > 0, 'the leader lease expires');
  assert.is(await ttl(BUCKETS.members), 0, 'members are remembered');
});

test.run();
