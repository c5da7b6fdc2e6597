// The real extraction refuses archives that would write or point outside the release, devices, and setuid files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessDriver, lookupUser, refusalOf } from '../../packages/process-driver/index.js';
import { CompartmentError } from '../../packages/protocol/index.js';
import { tempDir } from '../harness/tmp.js';
import { writeRawTar } from './hostile-tar.js';

const tmp = tempDir('compartment-extract-');
test.after(() => tmp.remove());
const dataDir = join(tmp.path, 'data');
const runAs = process.getuid?.() === 0 ? lookupUser('compartment-run') : null;
const driver = new ProcessDriver({ dataDir, runAs });
let n = 0;
const key = () => ({ env: 'production', service: 'web', deploymentId: `dsec${(n++).toString().padStart(4, '0')}aa` });
const outside = join(tmp.path, 'escaped');

async function refused(name: string, entries: Parameters<typeof writeRawTar>[2], reason: RegExp): Promise<void> {
  const k = key();
  const file = writeRawTar(tmp.path, `${name}.tar`, [{ path: 'ok.txt', body: 'fine' }, ...entries]);
  const error = await driver.extract(k, file).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(error, CompartmentError, `${name}: refused`);
  assert.is((error as CompartmentError).code, 'BUILD_FAILED');
  assert.match((error as Error).message, /^source archive refused: /);
  assert.match((error as Error).message, reason, name);
  assert.not.ok(existsSync(driver.releaseDir(k)), `${name}: no release dir`);
  const service = join(dataDir, 'releases', 'production', 'web');
  assert.equal(
    readdirSync(service).filter((d) => d.startsWith('.tmp-')),
    [],
    `${name}: no temp dir left`,
  );
}

test('an archive with ../x is refused and writes nothing outside', async () => {
  await refused(
    'dotdot',
    [{ path: '../../../escaped', body: 'pwned' }],
    /"\.\.\/\.\.\/\.\.\/escaped" is an absolute path or climbs out/,
  );
  await refused('inner-dotdot', [{ path: 'sub/../../escaped', body: 'pwned' }], /climbs out/);
  assert.not.ok(existsSync(outside));
  assert.not.ok(existsSync(join(dataDir, 'releases', 'escaped')));
});

test('an archive with an absolute path is refused', async () => {
  await refused('absolute', [{ path: outside, body: 'pwned' }], /is an absolute path/);
  assert.not.ok(existsSync(outside));
});

test('a symlink to /etc (or one climbing out) and a hard link out are refused', async () => {
  await refused(
    'symlink-etc',
    [{ path: 'etc', type: 'SymbolicLink', linkpath: '/etc' }],
    /"etc" links to "\/etc", outside the release/,
  );
  await refused('symlink-up', [{ path: 'a/b', type: 'SymbolicLink', linkpath: '../../x' }], /links to "\.\.\/\.\.\/x"/);
  // Each link stays inside, but writing through one is how archives have escaped before: tar's own refusal, same words.
  await refused(
    'through-link',
    [
      { path: 'l', type: 'SymbolicLink', linkpath: '.' },
      { path: 'l/x', body: 'x' },
    ],
    /Cannot extract through symbolic link/,
  );
  await refused('hardlink', [{ path: 'h', type: 'Link', linkpath: '../../../../etc/passwd' }], /"h" links to/);
});

test('a setuid or setgid file is refused; devices and fifos too', async () => {
  await refused(
    'setuid',
    [{ path: 'bin/tool', mode: 0o4755, body: '#!/bin/sh\nid\n' }],
    /"bin\/tool" has the setuid or setgid bit/,
  );
  await refused('setgid', [{ path: 'tool', mode: 0o2755, body: 'x' }], /setuid or setgid/);
  await refused('fifo', [{ path: 'pipe', type: 'FIFO' }], /"pipe" is a FIFO/);
  await refused('device', [{ path: 'null', type: 'CharacterDevice' }], /"null" is a CharacterDevice/);
});

test('one archive with all four at once names them; a friendly archive with inner links extracts, owned by the workload user', async () => {
  await refused(
    'all',
    [
      { path: '../x', body: 'x' },
      { path: '/tmp/compartment-absolute-x', body: 'x' },
      { path: 'etc', type: 'SymbolicLink', linkpath: '/etc' },
      { path: 'suid', mode: 0o4755, body: 'x' },
    ],
    /"\.\.\/x".*; "\/tmp\/compartment-absolute-x".*; "etc" links to "\/etc".* \(and 1 more\)$/,
  );

  const k = key();
  const file = writeRawTar(tmp.path, 'friendly.tar', [
    { path: 'sub', type: 'Directory', mode: 0o3777, uid: 4242, gid: 4242 },
    { path: 'sub/b.txt', body: 'two', mode: 0o1666, uid: 4242, gid: 4242 },
    { path: 'link', type: 'SymbolicLink', linkpath: 'sub/b.txt' },
    { path: 'sub/up', type: 'SymbolicLink', linkpath: '../sub/b.txt' },
  ]);
  const { dir } = await driver.extract(k, file);
  assert.is(readFileSync(join(dir, 'app', 'sub', 'up'), 'utf8'), 'two');
  assert.is(readFileSync(join(dir, 'app', 'link'), 'utf8'), 'two');
  const b = statSync(join(dir, 'app', 'sub', 'b.txt'));
  assert.is(b.mode & 0o7000, 0, 'no sticky/setuid/setgid bits kept');
  assert.is(statSync(join(dir, 'app', 'sub')).mode & 0o7000, 0, 'no setgid or sticky dir');
  const owner = runAs?.uid ?? process.getuid!();
  for (const p of ['app', 'app/sub', 'app/sub/b.txt'])
    assert.is(lstatSync(join(dir, p)).uid, owner, `${p} belongs to the workload user, not uid 4242`);
  assert.is(statSync(dir).mode & 0o777, 0o711, 'the release dir is traverse-only');
  assert.is(statSync(join(dir, 'app')).mode & 0o777, 0o700, "the app dir is its owner's alone");
});

test('the policy itself: relative links that stay inside pass, everything leaving fails', () => {
  assert.is(refusalOf({ path: 'a/b', type: 'SymbolicLink', linkpath: '../c' }), null);
  assert.is(refusalOf({ path: './x/y.txt', type: 'File', mode: 0o644 }), null);
  assert.ok(refusalOf({ path: 'a', type: 'SymbolicLink', linkpath: '..' }));
  assert.ok(refusalOf({ path: 'a', type: 'Link', linkpath: '' }));
});

test.run();
