// The bundled CLI (scripts/bundle-cli.mjs) behaves like the compiled one, and bin/compartment.js never runs a stale bundle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv } from './cli-runner.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Inside dist/, like the real one: `up` and `down` are imported from beside it.
const bundle = join(root, 'dist', `cli.bundle.test-${process.pid}.js`);
const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, [file, ...args], { cwd: tmpdir(), env: cliEnv(), encoding: 'utf8', timeout: 30_000 });

test.before(() => {
  execFileSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs'), bundle], { cwd: root, stdio: 'inherit' });
});
test.after(() => rmSync(bundle, { force: true }));

test('the bundle prints the same help as the compiled CLI', () => {
  const bundled = run(bundle, ['--help']);
  const compiled = run(join(root, 'dist/packages/cli/main.js'), ['--help']);
  assert.is(bundled.status, 0, bundled.stderr);
  assert.is(bundled.stdout, compiled.stdout);
});

test('the NATS client works inside the bundle: no cluster is CLUSTER_UNAVAILABLE (exit 1), as compiled', () => {
  const r = run(bundle, ['status', '--json', '--nats', 'nats://127.0.0.1:1']);
  assert.is(r.status, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()).error.code, 'CLUSTER_UNAVAILABLE');
  assert.match(r.stderr, /cannot reach NATS/);
});

test('bad input is refused inside the bundle with the registry exit code', () => {
  const r = run(bundle, ['status', '--env', 'Bad Name']);
  assert.is(r.status, 2, r.stderr);
});

test('bin/compartment.js runs the bundle only while it is newer than the last tsc build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compartment-bin-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist/packages/cli'), { recursive: true });
    copyFileSync(join(root, 'bin/compartment.js'), join(dir, 'bin/compartment.js'));
    writeFileSync(join(dir, 'dist/packages/cli/main.js'), "console.log('compiled');\n");
    const bin = join(dir, 'bin/compartment.js');
    assert.is(run(bin, []).stdout.trim(), 'compiled', 'no bundle');
    writeFileSync(join(dir, 'dist/cli.bundle.js'), "console.log('bundle');\n");
    writeFileSync(join(dir, 'dist/.tsbuildinfo'), '{}');
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    utimesSync(join(dir, 'dist/.tsbuildinfo'), at(0), at(0));
    utimesSync(join(dir, 'dist/cli.bundle.js'), at(1), at(1));
    assert.is(run(bin, []).stdout.trim(), 'bundle', 'bundled after the build');
    utimesSync(join(dir, 'dist/.tsbuildinfo'), at(2), at(2));
    assert.is(run(bin, []).stdout.trim(), 'compiled', 'a tsc build after the bundle makes it stale');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
