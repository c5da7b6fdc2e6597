// The record writer against a frozen nats-server (SIGSTOP): a write that times out is retried, not dropped, and the
// latest state is in KV once the server is back — even when a timed-out write landed after all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeploymentStore, connectCluster, type ClusterConnection } from '../../cluster/index.js';
import { RecordWriter } from '../../nodes/agent/host/record-writer.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { sleep } from '../harness/wait.js';
import { startFixture, record, type Fixture } from './fixture.js';

let fx: Fixture;
let conn: ClusterConnection;
let store: DeploymentStore;

test.before(async () => {
  fx = await startFixture();
  // A short request timeout: a frozen server shows up as CLUSTER_UNAVAILABLE within a second.
  conn = await connectCluster({ servers: fx.server.url, name: 'writer', apiTimeoutMs: 1_000 });
  store = await DeploymentStore.open(conn);
});
test.after(async () => {
  if (fx?.server.pid) process.kill(fx.server.pid, 'SIGCONT');
  await conn?.close();
  await fx?.dispose();
});

function writerFor(r: DeploymentRecord, revision: number, state: { snapshot: unknown; record: DeploymentRecord }) {
  const seen = { retries: 0, lost: 0, failed: [] as unknown[] };
  const writer = new RecordWriter(
    store,
    'n1',
    revision,
    { record: () => state.record, snapshot: () => state.snapshot },
    {
      lost: () => void seen.lost++,
      failed: (e) => void seen.failed.push(e),
      retrying: () => void seen.retries++,
    },
  );
  return { writer, seen };
}

test('writes scheduled while NATS is frozen reach KV once it resumes; the latest one wins', async () => {
  const r = record({ status: 'running' });
  const revision = await store.create({ record: r, snapshot: { n: 0 }, owner: 'n1' });
  const state = { record: r, snapshot: { n: 0 } as unknown };
  const { writer, seen } = writerFor(r, revision, state);
  const pid = fx.server.pid!;

  process.kill(pid, 'SIGSTOP');
  state.snapshot = { n: 1 };
  void writer.schedule();
  await sleep(2_500);
  state.record = { ...r, status: 'succeeded', completedAt: new Date().toISOString() };
  state.snapshot = { n: 2 };
  void writer.schedule();
  await sleep(1_000);
  process.kill(pid, 'SIGCONT');
  await writer.flushed();

  assert.ok(seen.retries >= 1, `retried ${seen.retries} times`);
  assert.equal([seen.lost, seen.failed.length], [0, 0], 'neither lost nor failed');
  const stored = await store.get(r.id);
  assert.equal(stored!.value.snapshot, { n: 2 });
  assert.is(stored!.value.record.status, 'succeeded');
  assert.is(writer.currentRevision, stored!.revision, 'the writer holds the stored revision and can go on writing');
  state.snapshot = { n: 3 };
  await writer.schedule();
  assert.equal((await store.get(r.id))!.value.snapshot, { n: 3 });
});

test('an agent stopping while NATS is frozen does not wait forever: close() stops retrying after its bound', async () => {
  const r = record({ status: 'running' });
  const revision = await store.create({ record: r, snapshot: { n: 0 }, owner: 'n1' });
  const state = { record: r, snapshot: { n: 1 } as unknown };
  const { writer } = writerFor(r, revision, state);
  process.kill(fx.server.pid!, 'SIGSTOP');
  try {
    void writer.schedule();
    let closed = false;
    void writer.close(1_500).then(() => (closed = true));
    await sleep(2_500);
    assert.ok(closed, 'close() returned while NATS was still frozen');
  } finally {
    process.kill(fx.server.pid!, 'SIGCONT');
  }
  await writer.flushed();
});

test('a write that can never succeed (the record fails its schema) is reported as failed at once, not retried', async () => {
  const r = record({ status: 'running' });
  const revision = await store.create({ record: r, snapshot: null, owner: 'n1' });
  const state = { record: { ...r, status: 'exploded' } as unknown as DeploymentRecord, snapshot: null as unknown };
  const { writer, seen } = writerFor(r, revision, state);
  await writer.schedule();
  assert.is(seen.failed.length, 1);
  assert.is(seen.retries, 0);
});

test('a genuine concurrent change is still reported as lost', async () => {
  const r = record({ status: 'running' });
  const revision = await store.create({ record: r, snapshot: { by: 'a' }, owner: 'n1' });
  await store.update({ record: r, snapshot: { by: 'other' }, owner: 'n2' }, revision);
  const state = { record: r, snapshot: { by: 'a', n: 1 } as unknown };
  const { writer, seen } = writerFor(r, revision, state);
  await writer.schedule();
  assert.is(seen.lost, 1);
});

test.run();
