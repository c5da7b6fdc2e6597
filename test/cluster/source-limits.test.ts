// Source size limits on both sides: the agent's fetch refuses an object over its limit, the unpacked check a tarball
// that expands past it, and the CLI's packer says so before uploading.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';
import { SourceStore } from '../../cluster/index.js';
import { CompartmentError } from '../../packages/protocol/index.js';
import { checkUnpackedSize, sourceLimitsFromEnv } from '../../nodes/agent/runtime/source-limits.js';
import { packSource } from '../../packages/cli/source/source-tarball.js';
import { tempDir } from '../harness/tmp.js';
import { startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let sources: SourceStore;
const dir = tempDir('source-limits-test-');

test.before(async () => {
  fx = await startFixture();
  sources = await SourceStore.open(fx.conn);
});
test.after(async () => {
  await fx?.dispose();
  dir.remove();
});

const digestOf = (b: Uint8Array) => `sha256-${createHash('sha256').update(b).digest('hex')}`;
async function failure(p: Promise<unknown>): Promise<CompartmentError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  assert.instance(e, CompartmentError);
  return e as CompartmentError;
}

test('a source over the node limit is TOO_LARGE at fetch, and no file is left', async () => {
  const bytes = randomBytes(256 * 1024);
  const digest = digestOf(bytes);
  await sources.put(digest, bytes);
  const path = join(dir.path, 'big.tgz');
  const e = await failure(sources.getToFile(digest, path, 100 * 1024));
  assert.equal([e.code, e.field], ['TOO_LARGE', 'source']);
  assert.match(e.message, 'COMPARTMENT_MAX_SOURCE_MB');
  assert.not.ok(existsSync(path));
  assert.is((await sources.getToFile(digest, path, bytes.length)).size, bytes.length, 'at the limit it is fetched');
});

test('a small tarball that unpacks past the limit is TOO_LARGE; one within it passes', async () => {
  const src = join(dir.path, 'zeros');
  mkdirSync(src);
  // Random bytes: tar itself refuses a zero-filled archive (over 1000-fold inflation), see the next test.
  writeFileSync(join(src, 'a.bin'), randomBytes(3 * 1024 * 1024));
  writeFileSync(join(src, 'b.bin'), randomBytes(3 * 1024 * 1024));
  const file = join(dir.path, 'zeros.tgz');
  await create({ file, cwd: src, gzip: true }, ['a.bin', 'b.bin']);
  const e = await failure(checkUnpackedSize(file, 5 * 1024 * 1024));
  assert.equal([e.code, e.field], ['TOO_LARGE', 'source']);
  assert.match(e.message, /unpacks to 6\.0 MiB, over this node's limit of 5\.0 MiB/);
  assert.is(await checkUnpackedSize(file, 6 * 1024 * 1024), 6 * 1024 * 1024);
});

test('a gzip bomb (zeros inflating over 1000-fold) is TOO_LARGE too', async () => {
  const src = join(dir.path, 'bomb');
  mkdirSync(src);
  writeFileSync(join(src, 'zeros.bin'), Buffer.alloc(8 * 1024 * 1024));
  const file = join(dir.path, 'bomb.tgz');
  await create({ file, cwd: src, gzip: { level: 9 } }, ['zeros.bin']);
  const e = await failure(checkUnpackedSize(file, 1024 * 1024 * 1024));
  assert.equal([e.code, e.field], ['TOO_LARGE', 'source']);
  assert.match(e.message, 'decompression ratio');
});

test('limits come from COMPARTMENT_MAX_SOURCE_MB / COMPARTMENT_MAX_UNPACKED_MB', () => {
  assert.equal(sourceLimitsFromEnv({ COMPARTMENT_MAX_SOURCE_MB: '2', COMPARTMENT_MAX_UNPACKED_MB: '0.5' }), {
    maxSourceBytes: 2 * 1024 * 1024,
    maxUnpackedBytes: 512 * 1024,
  });
});

test('the CLI refuses a source over the limit before uploading, naming services.<name>.path', async () => {
  const src = join(dir.path, 'cli-src');
  mkdirSync(src);
  writeFileSync(join(src, 'big.bin'), Buffer.alloc(2 * 1024 * 1024));
  process.env.COMPARTMENT_MAX_UNPACKED_MB = '1';
  try {
    const e = await failure(packSource(src, 'services.web.path'));
    assert.equal([e.code, e.field], ['TOO_LARGE', 'services.web.path']);
    assert.match(e.message, '.compartmentignore');
  } finally {
    delete process.env.COMPARTMENT_MAX_UNPACKED_MB;
  }
  process.env.COMPARTMENT_MAX_SOURCE_MB = '0.001';
  try {
    writeFileSync(join(src, 'big.bin'), randomBytes(64 * 1024));
    const e = await failure(packSource(src, 'services.web.path'));
    assert.match(e.message, /packs to .* MiB, over the limit/);
  } finally {
    delete process.env.COMPARTMENT_MAX_SOURCE_MB;
  }
});

test.run();
