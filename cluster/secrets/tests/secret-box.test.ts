// Sealing secrets: round trip, tampering and the wrong key are refused, key files are 0600 and follow rotations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterKey, ensureKeyFile, keyIdOf, KeyRing, newClusterKey, open, readKeyFile, seal } from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'compartment-keys-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const flip = (sealed: string, part: number) =>
  sealed
    .split('.')
    .map((p, i) =>
      i === part
        ? Buffer.from(Buffer.from(p, 'base64url').map((b, j) => (j === 0 ? b ^ 1 : b))).toString('base64url')
        : p,
    )
    .join('.');

test('a sealed value opens to the same text, names its key, and never contains the text; every seal uses a fresh IV', () => {
  const key = newClusterKey();
  const a = seal(key, 'p@ss wörd', 'staging.API_KEY');
  const b = seal(key, 'p@ss wörd', 'staging.API_KEY');
  assert.is(open([key], a, 'staging.API_KEY'), 'p@ss wörd');
  assert.is.not(a, b);
  assert.is(keyIdOf(a), key.id);
  assert.not.ok(a.includes('p@ss') || a.includes(Buffer.from('p@ss').toString('base64url')));
  assert.is(open([key], seal(key, '', 'e.EMPTY'), 'e.EMPTY'), '');
});

test('tampered ciphertext, IV or tag, and a value moved to another name, are rejected', () => {
  const key = newClusterKey();
  const sealed = seal(key, 'secret-value', 'production.TOKEN');
  for (const part of [2, 3, 4])
    assert.throws(() => open([key], flip(sealed, part), 'production.TOKEN'), /fails authentication/, `part ${part}`);
  assert.throws(() => open([key], sealed, 'production.OTHER'), /fails authentication/);
  assert.throws(() => open([key], 'not sealed', 'production.TOKEN'), /not a sealed value/);
});

test('the wrong key is rejected: another key, and another key posing under the same id', () => {
  const key = newClusterKey();
  const other = newClusterKey();
  const sealed = seal(key, 'secret-value', 'production.TOKEN');
  assert.throws(() => open([other], sealed, 'production.TOKEN'), /does not hold/);
  assert.throws(() => open([{ id: key.id, bytes: other.bytes }], sealed, 'production.TOKEN'), /fails authentication/);
  assert.is(
    open([other, key], sealed, 'production.TOKEN'),
    'secret-value',
    'any key of the ring that matches the id opens it',
  );
});

test('a key file is created 0600 once, then reused; a bad file is refused naming the flag', () => {
  const path = join(dir, 'a', 'cluster.key');
  assert.ok(ensureKeyFile(path));
  const first = readFileSync(path, 'utf8');
  assert.is(statSync(path).mode & 0o777, 0o600);
  assert.not.ok(ensureKeyFile(path));
  assert.is(readFileSync(path, 'utf8'), first);
  assert.is(readKeyFile(path).length, 1);
  writeFileSync(join(dir, 'bad.key'), 'c2hvcnQ=\n');
  assert.throws(() => readKeyFile(join(dir, 'bad.key')), /32 bytes/);
});

test('a key ring follows its file: a rotation written by another process is seen without a restart', () => {
  const path = join(dir, 'ring.key');
  ensureKeyFile(path);
  const ring = new KeyRing(path);
  const before = ring.current();
  const writer = new KeyRing(path);
  const next = newClusterKey();
  writer.write([next, before]);
  assert.is(ring.current().id, next.id);
  assert.equal(
    ring.all().map((k) => k.id),
    [next.id, before.id],
  );
  assert.is(statSync(path).mode & 0o777, 0o600);
  assert.is(clusterKey(Buffer.from(next.bytes)).id, next.id, 'the id is a function of the key');
});

test.run();
