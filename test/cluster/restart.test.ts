// A nats-server restart on the same store: records survive, the client reconnects, watches and log follows carry on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DeploymentStore,
  LogPublisher,
  RouteStore,
  followLogs,
  readLogs,
  type DeploymentChange,
  type FollowedLine,
} from '../../cluster/index.js';
import { waitFor } from '../harness/wait.js';
import { record, route, startFixture, type Fixture } from './fixture.js';

let fx: Fixture;

test.before(async () => {
  fx = await startFixture();
});
test.after(async () => {
  await fx?.dispose();
});

/** Counts reconnects of the fixture's connection. */
function reconnects(): { count: () => number; stop: () => void } {
  let n = 0;
  const status = fx.conn.nc.status() as AsyncIterable<{ type: string }> & { stop?(): void };
  void (async () => {
    for await (const s of status) if (s.type === 'reconnect') n++;
  })();
  return { count: () => n, stop: () => status.stop?.() };
}

test('stop + restart: records kept, the connection comes back, the watch sees later changes', async () => {
  const store = await DeploymentStore.open(fx.conn);
  const routes = await RouteStore.open(fx.conn);
  const r = record();
  const rev = await store.create({ record: r, snapshot: { n: 1 }, owner: 'n1' });
  await routes.put(route({ serviceName: 'kept', deploymentId: r.id }), null);
  const seen: DeploymentChange[] = [];
  const watcher = store.watch((c) => seen.push(c));
  await watcher.ready;
  const rc = reconnects();
  try {
    await fx.server.restart();
    await waitFor('client reconnected', () => rc.count() >= 1, 10_000);
    const found = await waitFor('record readable after restart', () => store.get(r.id), 10_000);
    assert.is(found.revision, rev);
    assert.equal(found.value.snapshot, { n: 1 });
    assert.is((await routes.get('production', 'kept'))?.route.deploymentId, r.id);
    const rev2 = await store.update({ record: { ...r, status: 'running' }, snapshot: { n: 2 }, owner: 'n1' }, rev);
    await waitFor(
      'watch delivers the update made after the restart',
      () => seen.some((c) => c.revision === rev2),
      15_000,
    );
  } finally {
    rc.stop();
    await watcher.stop();
  }
});

test('SIGKILL + restart: acknowledged writes survive a crash', async () => {
  const store = await DeploymentStore.open(fx.conn);
  const written = [];
  for (let i = 0; i < 20; i++) {
    const r = record({ serviceName: 'crash' });
    await store.create({ record: r, snapshot: i, owner: null });
    written.push(r.id);
  }
  await fx.server.kill();
  await fx.server.restart();
  const listed = await waitFor(
    'list after crash',
    async () => (await store.list({ service: 'crash' })).map((e) => e.value.record.id),
    15_000,
  );
  assert.equal(listed.sort(), written.sort());
});

test('log lines written while the server restarts are retried, not lost; a follow carries on', async () => {
  const meta = { deploymentId: 'restart01', serviceName: 'logs', environmentName: 'production', nodeId: null };
  const retries: string[] = [];
  const publisher = new LogPublisher(fx.conn, { publishTimeoutMs: 1_000, onRetry: (e) => retries.push(e.message) });
  await publisher.write(meta, 'stdout', ['before']);
  await publisher.flush();
  const { nextSequence } = await readLogs(fx.conn, { env: 'production', service: 'logs' }, { tail: 10 });
  const follow = followLogs(fx.conn, { env: 'production', service: 'logs' }, nextSequence);
  const followed: FollowedLine[] = [];
  let followError: unknown = null;
  const following = (async () => {
    for await (const line of follow) followed.push(line);
  })().catch((e: unknown) => (followError = e));
  await follow.ready;
  try {
    const stopping = fx.server.stop();
    for (let i = 0; i < 50; i++) await publisher.write(meta, 'stdout', [`during ${i}`]);
    await stopping;
    await fx.server.restart();
    await publisher.write(meta, 'stdout', ['after']);
    await publisher.flush();
    const { lines } = await readLogs(fx.conn, { env: 'production', service: 'logs' }, { tail: 1000 });
    const texts = lines.map((l) => l.text);
    assert.equal(
      texts,
      ['before', ...Array.from({ length: 50 }, (_, i) => `during ${i}`), 'after'],
      'each line exactly once',
    );
    await waitFor('follow saw every line after the restart', () => followed.some((l) => l.text === 'after'), 15_000);
    assert.equal(
      followed.map((l) => l.text),
      texts.slice(1),
    );
    assert.is(followError, null);
    console.log(`  publish attempts retried during the restart: ${retries.length}`);
  } finally {
    follow.stop();
    await following;
  }
});

test.run();
