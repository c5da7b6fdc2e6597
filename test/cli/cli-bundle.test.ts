// The bundled CLI (scripts/bundle-cli.mjs) behaves like the compiled one, runs from a code cache, and bin/compartment.js never runs a stale bundle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv } from './cli-runner.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Inside dist/, like the real one: `up` and `down` are imported from beside it.
const bundle = join(root, 'dist', `cli.bundle.test-${process.pid}.cjs`);
const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, [file, ...args], { cwd: tmpdir(), env: cliEnv(), encoding: 'utf8', timeout: 30_000 });

/** A copy of the package as bin/compartment.js sees it: the test's bundle, newer than the (epoch) tsc build. */
const installed = mkdtempSync(join(tmpdir(), 'compartment-installed-'));
const bin = join(installed, 'bin/compartment.js');

test.before(() => {
  execFileSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs'), bundle], { cwd: root, stdio: 'inherit' });
  mkdirSync(join(installed, 'bin'));
  mkdirSync(join(installed, 'dist'));
  copyFileSync(join(root, 'bin/compartment.js'), bin);
  writeFileSync(join(installed, 'dist/.tsbuildinfo'), '{}');
  utimesSync(join(installed, 'dist/.tsbuildinfo'), new Date(0), new Date(0));
  copyFileSync(bundle, join(installed, 'dist/cli.bundle.cjs'));
  symlinkSync(join(root, 'dist/packages'), join(installed, 'dist/packages'));
});
test.after(() => {
  rmSync(bundle, { force: true });
  rmSync(installed, { recursive: true, force: true });
});

test('the bundle prints the same help as the compiled CLI', () => {
  const bundled = run(bin, ['--help']);
  const compiled = run(join(root, 'dist/packages/cli/main.js'), ['--help']);
  assert.is(bundled.status, 0, bundled.stderr);
  assert.is(bundled.stdout, compiled.stdout);
});

test('the NATS client works inside the bundle: no cluster is CLUSTER_UNAVAILABLE (exit 1), as compiled', () => {
  const r = run(bin, ['status', '--json', '--nats', 'nats://127.0.0.1:1']);
  assert.is(r.status, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()).error.code, 'CLUSTER_UNAVAILABLE');
  assert.match(r.stderr, /cannot reach NATS/);
});

test('bad input is refused inside the bundle with the registry exit code', () => {
  const r = run(bin, ['status', '--env', 'Bad Name']);
  assert.is(r.status, 2, r.stderr);
});

test('bin/compartment.js runs the bundle only while it is newer than the last tsc build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compartment-bin-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist/packages/cli'), { recursive: true });
    copyFileSync(join(root, 'bin/compartment.js'), join(dir, 'bin/compartment.js'));
    writeFileSync(join(dir, 'dist/packages/cli/main.js'), "console.log('compiled');\n");
    const tiny = join(dir, 'bin/compartment.js');
    assert.is(run(tiny, []).stdout.trim(), 'compiled', 'no bundle');
    writeFileSync(join(dir, 'dist/cli.bundle.cjs'), "console.log('bundle');\n");
    writeFileSync(join(dir, 'dist/.tsbuildinfo'), '{}');
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    utimesSync(join(dir, 'dist/.tsbuildinfo'), at(0), at(0));
    utimesSync(join(dir, 'dist/cli.bundle.cjs'), at(1), at(1));
    assert.is(run(tiny, []).stdout.trim(), 'bundle', 'bundled after the build');
    utimesSync(join(dir, 'dist/.tsbuildinfo'), at(2), at(2));
    assert.is(run(tiny, []).stdout.trim(), 'compiled', 'a tsc build after the bundle makes it stale');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bin/compartment.js keeps one code cache per command and never uses one made for another bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compartment-bin-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist'));
    copyFileSync(join(root, 'bin/compartment.js'), join(dir, 'bin/compartment.js'));
    writeFileSync(join(dir, 'dist/.tsbuildinfo'), '{}');
    const tiny = join(dir, 'bin/compartment.js');
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    utimesSync(join(dir, 'dist/.tsbuildinfo'), at(0), at(0));
    // The bundle sees its own CommonJS module, require and file name, and the command line.
    const bundleOf = (word: string) =>
      `console.log('${word}', process.argv[2], typeof require('node:path').join, __filename.endsWith('cli.bundle.cjs'));\n`;
    writeFileSync(join(dir, 'dist/cli.bundle.cjs'), bundleOf('first'));
    utimesSync(join(dir, 'dist/cli.bundle.cjs'), at(1), at(1));
    assert.is(run(tiny, ['status']).stdout.trim(), 'first status function true');
    const caches = () => readdirSync(join(dir, 'dist/cli.bundle.cjs.v8-cache')).sort();
    assert.is(caches().length, 1);
    assert.match(caches()[0]!, /^status-/);
    assert.is(run(tiny, ['status']).stdout.trim(), 'first status function true', 'run again, from the cache');
    assert.is(run(tiny, ['deploy']).stdout.trim(), 'first deploy function true');
    assert.is(caches().length, 2, 'one cache per command');
    // Same length, other code (V8 would accept a cache for it): a cache of the old bundle must not be used.
    writeFileSync(join(dir, 'dist/cli.bundle.cjs'), bundleOf('other'));
    utimesSync(join(dir, 'dist/cli.bundle.cjs'), at(3), at(3));
    const other = run(tiny, ['status']);
    assert.is(other.stdout.trim(), 'other status function true', other.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the bundle imports `down` from beside it, also when it runs from a code cache', () => {
  const empty = mkdtempSync(join(tmpdir(), 'compartment-down-'));
  try {
    const down = (file: string) =>
      spawnSync(process.execPath, [file, 'down'], { cwd: empty, env: cliEnv(), encoding: 'utf8', timeout: 30_000 });
    const compiled = down(join(root, 'dist/packages/cli/main.js'));
    // The first run writes the cache, the second runs from it.
    for (const r of [down(bin), down(bin)]) {
      assert.is(r.status, compiled.status, r.stderr);
      assert.is(r.stdout + r.stderr, compiled.stdout + compiled.stderr);
    }
    assert.ok(readdirSync(join(installed, 'dist/cli.bundle.cjs.v8-cache')).some((f) => f.startsWith('down-')));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test.run();
