// The source store against a real nats-server: content-addressed puts, digest checks, fetch to a file, missing sources.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SourceStore } from '../../cluster/index.js';
import { CompartmentError, OBJECT_STORES } from '../../packages/protocol/index.js';
import { tempDir } from '../harness/tmp.js';
import { startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let sources: SourceStore;
const dir = tempDir('sources-test-');

test.before(async () => {
  fx = await startFixture();
  sources = await SourceStore.open(fx.conn);
});
test.after(async () => {
  await fx?.dispose();
  dir.remove();
});

const digestOf = (b: Uint8Array) => `sha256-${createHash('sha256').update(b).digest('hex')}`;
const storedMessages = async () => (await fx.conn.jsm.streams.info(`OBJ_${OBJECT_STORES.sources}`)).state.messages;
const codeOf = (e: unknown) => (e instanceof CompartmentError ? e.code : String(e));

test('put is content-addressed: the second put of a digest uploads nothing', async () => {
  const bytes = randomBytes(300 * 1024); // more than one 128 KiB chunk
  const digest = digestOf(bytes);
  assert.is(await sources.has(digest), false);
  const first = await sources.put(digest, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
  assert.equal(first, { uploaded: true, size: bytes.length });
  assert.is(await sources.has(digest), true);
  const before = await storedMessages();
  const second = await sources.put(digest, bytes);
  assert.equal(second, { uploaded: false, size: bytes.length });
  assert.is(await storedMessages(), before, 'no message was added by the second put');
});

test('getToFile writes exactly the uploaded bytes', async () => {
  const bytes = randomBytes(1024 * 1024 + 17);
  const digest = digestOf(bytes);
  await sources.put(digest, bytes);
  const path = join(dir.path, 'source.tgz');
  const { size } = await sources.getToFile(digest, path);
  assert.is(size, bytes.length);
  assert.ok(Buffer.compare(readFileSync(path), bytes) === 0);
  assert.equal(readdirSync(dir.path), ['source.tgz'], 'no partial file left behind');
});

test('bytes that do not match the digest are refused and nothing is stored', async () => {
  const bytes = randomBytes(200 * 1024);
  const wrong = digestOf(Buffer.from('something else'));
  const before = await storedMessages();
  const error = await sources.put(wrong, bytes).catch((e: unknown) => e);
  assert.is(codeOf(error), 'INVALID_ARGUMENT');
  assert.is(await sources.has(wrong), false);
  assert.is(await storedMessages(), before, 'chunks of the refused upload were purged');
});

test('a missing digest is SOURCE_NOT_FOUND; a malformed one INVALID_ARGUMENT', async () => {
  const missing = digestOf(Buffer.from('never uploaded'));
  const path = join(dir.path, 'missing.tgz');
  assert.is(codeOf(await sources.getToFile(missing, path).catch((e: unknown) => e)), 'SOURCE_NOT_FOUND');
  assert.not.ok(existsSync(path));
  assert.is(codeOf(await sources.has('md5-abc').catch((e: unknown) => e)), 'INVALID_ARGUMENT');
});

test('an empty source round-trips', async () => {
  const empty = new Uint8Array(0);
  const digest = digestOf(empty);
  assert.equal(await sources.put(digest, empty), { uploaded: true, size: 0 });
  const path = join(dir.path, 'empty.tgz');
  await sources.getToFile(digest, path);
  assert.is(readFileSync(path).length, 0);
});

test.run();
