// Three clustered nats-servers with R3 buckets: a member dies, the stores keep working through the others; it comes back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  connectCluster,
  ensureCluster,
  DeploymentStore,
  LogPublisher,
  readLogs,
  type ClusterConnection,
  type KvWatcher,
} from '../../cluster/index.js';
import { BUCKETS } from '../../packages/protocol/index.js';
import { startNatsCluster, waitHealthy, type NatsCluster } from '../harness/nats-server.js';
import { waitFor } from '../harness/wait.js';
import { record } from './fixture.js';

let cluster: NatsCluster;
let conn: ClusterConnection;

test.before(async () => {
  try {
    cluster = await startNatsCluster(3);
    conn = await connectCluster({ servers: cluster.urls, name: 'cluster-test' });
    await ensureCluster(conn, { replicas: 3 });
  } catch (error) {
    // uvu does not print an error thrown by a hook; say why before failing the suite.
    console.error(
      'cluster setup failed:',
      error,
      '\n',
      cluster?.servers.map((s) => `--- ${s.name}\n${s.output().slice(-3000)}`).join('\n'),
    );
    throw error;
  }
});
test.after(async () => {
  await conn?.close();
  await cluster?.dispose();
});

test('buckets are replicated on all three servers', async () => {
  const info = await conn.jsm.streams.info(`KV_${BUCKETS.deployments}`);
  assert.is(info.config.num_replicas, 3);
  assert.is(1 + (info.cluster?.replicas?.length ?? 0), 3);
});

test('with the connected member killed, writes and reads go on through the others; it rejoins', async () => {
  const store = await DeploymentStore.open(conn);
  const publisher = new LogPublisher(conn, { publishTimeoutMs: 2_000 });
  const r = record();
  const rev = await store.create({ record: r, snapshot: null, owner: 'n1' });
  const connectedPort = Number(new URL(`nats://${conn.nc.getServer()}`).port);
  const victim = cluster.servers.find((s) => s.port === connectedPort)!;
  assert.ok(victim, `connected to one of the members (${conn.nc.getServer()})`);
  await victim.kill();
  // The first attempts may land while the stream elects a new leader: retry until the CAS goes through.
  const rev2 = await waitFor(
    'update through the remaining members',
    () => store.update({ record: { ...r, status: 'running' }, snapshot: null, owner: 'n1' }, rev),
    30_000,
    200,
  );
  assert.ok(rev2 > rev);
  assert.not.equal(Number(new URL(`nats://${conn.nc.getServer()}`).port), connectedPort);
  const meta = { deploymentId: r.id, serviceName: r.serviceName, environmentName: r.environmentName, nodeId: null };
  await publisher.write(meta, 'stdout', ['while a member is down']);
  await publisher.flush();
  await victim.restart();
  await waitHealthy(victim);
  const got = await store.get(r.id);
  assert.is(got?.revision, rev2);
  const { lines } = await readLogs(conn, { env: r.environmentName, deploymentId: r.id }, { tail: 10 });
  assert.equal(
    lines.map((l) => l.text),
    ['while a member is down'],
  );
});

test('a watch whose consumer lived on a dead member recovers while its connection stays up', async () => {
  // Pin the watching connection to one member so no reconnect happens; the watch's R1 consumer lands on any member.
  const alive = cluster.servers.filter((s) => s.running);
  const home = alive[0]!;
  const pinned = await connectCluster({ servers: home.url, name: 'pinned', nats: { ignoreClusterUpdates: true } });
  const writer = await DeploymentStore.open(conn);
  const store = await DeploymentStore.open(pinned);
  await writer.create({ record: record(), snapshot: null, owner: null });
  const seen = new Set<string>();
  let watcher = null as KvWatcher | null;
  let host: string | undefined;
  try {
    for (let attempt = 0; attempt < 20 && (!host || host === home.name); attempt++) {
      await watcher?.stop();
      watcher = store.watch((c) => seen.add(c.key));
      await watcher.ready;
      host = await consumerHost(pinned, `KV_${BUCKETS.deployments}`);
    }
    assert.ok(host && host !== home.name, `watch consumer placed away from ${home.name} (on ${host})`);
    const victim = cluster.servers.find((s) => s.name === host)!;
    await victim.kill();
    const r = record();
    await waitFor(
      'write after the kill',
      () => writer.create({ record: r, snapshot: null, owner: null }).then(() => true),
      30_000,
      200,
    );
    // The client library alone would notice only after two missed 30 s heartbeats.
    await waitFor('watch delivers the write', () => seen.has(`${r.environmentName}.${r.serviceName}.${r.id}`), 25_000);
    await victim.restart();
    await waitHealthy(victim);
  } finally {
    await watcher?.stop();
    await pinned.close();
  }
});

async function consumerHost(c: ClusterConnection, stream: string): Promise<string | undefined> {
  for await (const info of c.jsm.consumers.list(stream)) return info.cluster?.leader;
  return undefined;
}

test.run();
