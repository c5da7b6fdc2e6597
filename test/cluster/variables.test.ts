// Cluster-stored variables against a real nats-server: set/unset report changes, list hides secrets, resolve reveals them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VariableStore } from '../../cluster/index.js';
import { CompartmentError } from '../../packages/protocol/index.js';
import { startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let vars: VariableStore;

test.before(async () => {
  fx = await startFixture();
  vars = await VariableStore.open(fx.conn);
});
test.after(async () => {
  await fx?.dispose();
});

test('list hides secret values, resolve returns them', async () => {
  await vars.set('staging', 'LOG_LEVEL', 'debug');
  await vars.set('staging', 'API_KEY', 's3cr3t', { secret: true });
  await vars.set('production', 'LOG_LEVEL', 'info');
  const listed = await vars.list('staging');
  assert.equal(listed.map(({ name, value, secret }) => ({ name, value, secret })), [
    { name: 'API_KEY', value: null, secret: true },
    { name: 'LOG_LEVEL', value: 'debug', secret: false },
  ]);
  assert.not.ok(JSON.stringify(listed).includes('s3cr3t'));
  assert.ok(listed.every((v) => !Number.isNaN(Date.parse(v.updatedAt))));
  assert.equal(await vars.resolve('staging'), { API_KEY: 's3cr3t', LOG_LEVEL: 'debug' });
  assert.equal(await vars.resolve('production'), { LOG_LEVEL: 'info' });
  assert.equal(await vars.resolve('empty'), {});
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
  assert.equal(await vars.resolve('dev'), { A: '3' });
});

test('bad names are INVALID_ARGUMENT naming the field', async () => {
  const err = (await vars.set('dev', '1BAD', 'x').catch((e: unknown) => e)) as CompartmentError;
  assert.instance(err, CompartmentError);
  assert.is(err.code, 'INVALID_ARGUMENT');
  assert.is(err.field, 'name');
  const err2 = (await vars.list('Bad.Env').catch((e: unknown) => e)) as CompartmentError;
  assert.is(err2.field, 'environment');
});

test.run();
