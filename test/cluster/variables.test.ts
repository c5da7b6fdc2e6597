// Cluster-stored variables against a real nats-server: set/unset report changes, list hides secrets, resolve reveals them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newClusterKey, VariableStore, type ClusterKey } from '../../cluster/index.js';
import { BUCKETS } from '../../packages/protocol/index.js';
import { CompartmentError } from '../../packages/protocol/index.js';
import { startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let vars: VariableStore;
let ring: ClusterKey[] = [newClusterKey()];
const keys = { current: () => ring[0]!, all: () => ring };

test.before(async () => {
  fx = await startFixture();
  vars = await VariableStore.open(fx.conn, keys);
});
test.after(async () => {
  await fx?.dispose();
});

test('list hides secret values, resolve returns them', async () => {
  await vars.set('staging', 'LOG_LEVEL', 'debug');
  await vars.set('staging', 'API_KEY', 's3cr3t', { secret: true });
  await vars.set('production', 'LOG_LEVEL', 'info');
  const listed = await vars.list('staging');
  assert.equal(
    listed.map(({ name, value, secret }) => ({ name, value, secret })),
    [
      { name: 'API_KEY', value: null, secret: true },
      { name: 'LOG_LEVEL', value: 'debug', secret: false },
    ],
  );
  assert.not.ok(JSON.stringify(listed).includes('s3cr3t'));
  assert.ok(listed.every((v) => !Number.isNaN(Date.parse(v.updatedAt))));
  const staging = await vars.resolve('staging');
  assert.equal(staging.values, { API_KEY: 's3cr3t', LOG_LEVEL: 'debug' });
  assert.equal([...staging.secrets], ['API_KEY']);
  assert.equal((await vars.resolve('production')).values, { LOG_LEVEL: 'info' });
  assert.equal((await vars.resolve('empty')).values, {});
  assert.equal(await vars.secrets('staging', ['API_KEY']), { API_KEY: 's3cr3t' });
});

test('set and unset report whether anything changed', async () => {
  assert.equal(await vars.set('dev', 'A', '1'), { changed: true });
  assert.equal(await vars.set('dev', 'A', '1'), { changed: false });
  assert.equal(await vars.set('dev', 'A', '1', { secret: true }), { changed: true });
  assert.equal(await vars.set('dev', 'A', '2', { secret: true }), { changed: true });
  assert.equal(await vars.unset('dev', 'A'), { changed: true });
  assert.equal(await vars.unset('dev', 'A'), { changed: false });
  assert.equal(await vars.list('dev'), []);
  // Set again after an unset (the key holds a delete marker).
  assert.equal(await vars.set('dev', 'A', '3'), { changed: true });
  assert.equal((await vars.resolve('dev')).values, { A: '3' });
});

test('bad names are INVALID_ARGUMENT naming the field', async () => {
  const err = (await vars.set('dev', '1BAD', 'x').catch((e: unknown) => e)) as CompartmentError;
  assert.instance(err, CompartmentError);
  assert.is(err.code, 'INVALID_ARGUMENT');
  assert.is(err.field, 'name');
  const err2 = (await vars.list('Bad.Env').catch((e: unknown) => e)) as CompartmentError;
  assert.is(err2.field, 'environment');
});

test('a secret is stored sealed: the bucket holds no clear value, and an unset secret fails its resolution by name', async () => {
  await vars.set('sealed', 'TOKEN', 'clear-text-4711', { secret: true });
  await vars.set('sealed', 'PLAIN', 'shown');
  const kv = await fx.conn.kvm.open(BUCKETS.variables);
  const raw = (await kv.get('sealed.TOKEN'))!.string();
  assert.not.ok(raw.includes('clear-text-4711'));
  assert.match(JSON.parse(raw).sealed, new RegExp(`^v1\\.${ring[0]!.id}\\.`));
  assert.is(JSON.parse((await kv.get('sealed.PLAIN'))!.string()).value, 'shown');
  assert.equal(await vars.set('sealed', 'TOKEN', 'clear-text-4711', { secret: true }), { changed: false });
  await vars.unset('sealed', 'TOKEN');
  const err = (await vars.secrets('sealed', ['TOKEN']).catch((e: unknown) => e)) as Error;
  assert.match(err.message, /secret TOKEN of environment sealed is no longer set/);
  assert.match(((await vars.secrets('sealed', ['PLAIN']).catch((e: unknown) => e)) as Error).message, /PLAIN/);
});

test('reseal moves every secret to the current key; the retired key alone opens none of them', async () => {
  await vars.set('rot', 'ONE', 'v-one', { secret: true });
  await vars.set('other', 'TWO', 'v-two', { secret: true });
  const old = ring[0]!;
  const next = newClusterKey();
  ring = [next, old];
  assert.ok((await vars.reseal()) >= 2);
  ring = [next];
  assert.equal(await vars.secrets('rot', ['ONE']), { ONE: 'v-one' });
  assert.equal(await vars.secrets('other', ['TWO']), { TWO: 'v-two' });
  ring = [old];
  assert.match(((await vars.secrets('rot', ['ONE']).catch((e: unknown) => e)) as Error).message, /does not hold/);
  ring = [next];
  assert.is(await vars.reseal(), 0);
});

test.run();
