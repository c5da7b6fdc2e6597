// Unit tests of per-key serialization: same key waits its turn, other keys do not, a failure does not jam the key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyLock } from '../key-lock.js';

const tick = () => new Promise((r) => setImmediate(r));

test('operations on one key run one after another, other keys run meanwhile', async () => {
  const lock = new KeyLock();
  const log: string[] = [];
  let release!: () => void;
  const first = lock.run('a', () => new Promise<void>((r) => (release = () => (log.push('a1 done'), r()))));
  const second = lock.run('a', async () => void log.push('a2'));
  const other = lock.run('b', async () => void log.push('b1'));
  await other;
  await tick();
  assert.equal(log, ['b1']);
  release();
  await Promise.all([first, second]);
  assert.equal(log, ['b1', 'a1 done', 'a2']);
});

test('a failed operation passes its error on and the next one still runs', async () => {
  const lock = new KeyLock();
  const failed = lock.run('k', async () => {
    throw new Error('boom');
  });
  const next = lock.run('k', async () => 42);
  const error = await failed.then(
    () => null,
    (e: Error) => e,
  );
  assert.match(error?.message ?? '', /boom/);
  assert.is(await next, 42);
});

test.run();
