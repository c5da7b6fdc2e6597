// The deployment store against a real nats-server: create, CAS conflicts, get by id, list, watch, remove.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeploymentStore, type DeploymentChange } from '../../cluster/index.js';
import { CompartmentError } from '../../packages/protocol/index.js';
import { waitFor } from '../harness/wait.js';
import { record, startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let store: DeploymentStore;

test.before(async () => {
  fx = await startFixture();
  store = await DeploymentStore.open(fx.conn);
});
test.after(async () => {
  await fx?.dispose();
});

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<CompartmentError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, CompartmentError);
    assert.is((error as CompartmentError).code, code);
    return error as CompartmentError;
  }
  throw new assert.Assertion({
    message: `expected a ${code} rejection`,
    expects: code,
    actual: 'resolved',
    operator: 'rejects',
    generated: false,
  });
}

test('create then get by id alone returns the record and its revision', async () => {
  const r = record({ environmentName: 'staging', serviceName: 'api' });
  const revision = await store.create({ record: r, snapshot: { value: 'x' }, owner: 'node-1' });
  const found = await store.get(r.id);
  assert.ok(found);
  assert.is(found.revision, revision);
  assert.is(found.key, `staging.api.${r.id}`);
  assert.equal(found.value.record, r);
  assert.equal(found.value.snapshot, { value: 'x' });
  assert.is(found.value.owner, 'node-1');
  assert.is(await store.get('nosuchid99'), null);
});

test('create of an existing key is a CONFLICT', async () => {
  const r = record();
  await store.create({ record: r, snapshot: null, owner: null });
  await rejectsWith(store.create({ record: r, snapshot: null, owner: null }), 'CONFLICT');
});

test('update with a stale revision is a CONFLICT and changes nothing', async () => {
  const r = record();
  const rev1 = await store.create({ record: r, snapshot: 1, owner: 'a' });
  const rev2 = await store.update({ record: { ...r, status: 'running' }, snapshot: 2, owner: 'a' }, rev1);
  assert.ok(rev2 > rev1);
  // A second writer still holding rev1 loses.
  await rejectsWith(store.update({ record: { ...r, status: 'failed' }, snapshot: 3, owner: 'b' }, rev1), 'CONFLICT');
  const now = await store.get(r.id);
  assert.is(now?.revision, rev2);
  assert.is(now?.value.record.status, 'running');
  assert.is(now?.value.owner, 'a');
});

test('two writers racing from the same revision: exactly one wins', async () => {
  const r = record();
  const rev = await store.create({ record: r, snapshot: 0, owner: null });
  const other = await DeploymentStore.open(await fx.connect('racer'));
  const results = await Promise.allSettled([
    store.update({ record: r, snapshot: 'a', owner: 'a' }, rev),
    other.update({ record: r, snapshot: 'b', owner: 'b' }, rev),
  ]);
  assert.equal(results.map((x) => x.status).sort(), ['fulfilled', 'rejected']);
  const lost = results.find((x) => x.status === 'rejected') as PromiseRejectedResult;
  assert.is((lost.reason as CompartmentError).code, 'CONFLICT');
});

test('invalid values are refused on write', async () => {
  const bad = { ...record(), status: 'exploded' } as never;
  await rejectsWith(store.create({ record: bad, snapshot: null, owner: null }), 'INVALID_ARGUMENT');
  await rejectsWith(store.get('NOT AN ID'), 'INVALID_ARGUMENT');
});

test('list filters by environment and service', async () => {
  const a = record({ environmentName: 'listenv', serviceName: 'one' });
  const b = record({ environmentName: 'listenv', serviceName: 'two' });
  const c = record({ environmentName: 'otherenv', serviceName: 'one' });
  for (const r of [a, b, c]) await store.create({ record: r, snapshot: null, owner: null });
  const ids = async (f: { env?: string; service?: string }) =>
    (await store.list(f)).map((e) => e.value.record.id).sort();
  assert.equal(await ids({ env: 'listenv' }), [a.id, b.id].sort());
  assert.equal(await ids({ env: 'listenv', service: 'one' }), [a.id]);
  assert.equal(await ids({ service: 'one', env: 'otherenv' }), [c.id]);
  assert.ok((await store.list()).length >= 3);
});

test('watch delivers every existing entry, then ready, then new entries, updates and deletes', async () => {
  const existing = await store.list();
  const seen: DeploymentChange[] = [];
  const watcher = store.watch((c) => seen.push(c));
  try {
    await watcher.ready;
    const initial = seen.filter((c) => c.initial);
    assert.is(initial.length, existing.length);
    assert.ok(initial.every((c) => c.type === 'put'));
    const r = record({ serviceName: 'watched' });
    const rev = await store.create({ record: r, snapshot: null, owner: null });
    const rev2 = await store.update({ record: { ...r, status: 'running' }, snapshot: null, owner: 'n' }, rev);
    await store.remove({ record: r, snapshot: null, owner: null }, rev2);
    await waitFor(
      'create, update and delete seen',
      () => seen.filter((c) => !c.initial && c.key.endsWith(r.id)).length === 3,
      5_000,
    );
    const mine = seen.filter((c) => c.key.endsWith(r.id));
    assert.equal(
      mine.map((c) => [c.type, c.revision, c.initial]),
      [
        ['put', rev, false],
        ['put', rev2, false],
        ['delete', rev2 + 1, false],
      ],
    );
    assert.is(await store.get(r.id), null);
  } finally {
    await watcher.stop();
  }
});

test('remove with a stale revision is a CONFLICT', async () => {
  const r = record();
  const rev = await store.create({ record: r, snapshot: null, owner: null });
  await store.update({ record: r, snapshot: 1, owner: null }, rev);
  await rejectsWith(store.remove({ record: r, snapshot: null, owner: null }, rev), 'CONFLICT');
  assert.ok(await store.get(r.id));
});

test('1,000 records: the watch index fills completely (time is reported, not asserted)', async () => {
  const env = 'bulk';
  const snapshot = { status: 'active', context: { padding: 'x'.repeat(2_000) } };
  const batch = Array.from({ length: 1000 }, (_, i) => record({ environmentName: env, serviceName: `svc${i % 20}` }));
  for (let i = 0; i < batch.length; i += 100) {
    await Promise.all(batch.slice(i, i + 100).map((r) => store.create({ record: r, snapshot, owner: 'n1' })));
  }
  const index = new Map<string, unknown>();
  const started = performance.now();
  const watcher = store.watch((c) => {
    if (c.type === 'put') index.set(c.key, c.value);
  });
  await watcher.ready;
  const watchMs = performance.now() - started;
  await watcher.stop();
  const t2 = performance.now();
  const listed = await store.list({ env });
  const listMs = performance.now() - t2;
  assert.is(listed.length, 1000);
  assert.ok([...index.keys()].filter((k) => k.startsWith(`${env}.`)).length === 1000);
  console.log(`  1,000+ deployments: watch ready in ${watchMs.toFixed(0)} ms, list(env) in ${listMs.toFixed(0)} ms`);
});

test.run();
