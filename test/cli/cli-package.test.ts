// The CLI as a user installs it: `npm pack` (built by prepack), `npm install -g` into a temporary prefix, used from another directory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../harness/tmp.js';
import { killCaddyIn } from '../harness/caddy.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const exec = promisify(execFile);
const work = tempDir('cli-package-');
const prefix = join(work.path, 'prefix');
const app = join(work.path, 'app');
const installed = join(prefix, 'bin', 'compartment');
let tarball = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
async function run(cmd: string, args: string[], cwd: string, timeout = 180_000): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(cmd, args, {
      cwd,
      timeout,
      env: { ...process.env, NO_COLOR: '1', COMPARTMENT_NATS_URL: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
const ok = async (cmd: string, args: string[], cwd: string) => {
  const r = await run(cmd, args, cwd);
  assert.is(r.code, 0, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};

test.after(async () => {
  await run(installed, ['down'], app, 90_000);
  killCaddyIn(join(app, '.compartment', 'edge'));
  work.remove();
});

test('npm pack builds (prepack) and packs dist/ without tests, sources or source maps', async () => {
  const out = await ok('npm', ['pack', '--json', '--pack-destination', work.path], ROOT);
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work.path, info!.filename);
  const paths = info!.files.map((f) => f.path);
  for (const needed of [
    'bin/compartment.js',
    'package.json',
    'dist/packages/cli/main.js',
    'dist/nodes/agent/agent.main.js',
    'dist/nodes/edge/edge.main.js',
    'nodes/dashboard/page/index.html',
  ]) {
    assert.ok(paths.includes(needed), `the package has ${needed}`);
  }
  assert.equal(
    paths.filter((p) => /(^|\/)(test|tests)\/|\.test\.js$|\.ts$|\.map$|tsbuildinfo/.test(p)),
    [],
    'no tests, TypeScript or maps',
  );
});

test('npm install -g into a prefix: `compartment --help` works from any directory', async () => {
  await ok(
    'npm',
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
    work.path,
  );
  mkdirSync(app, { recursive: true });
  const help = await ok(installed, ['--help'], app);
  assert.match(help, /Usage: compartment/);
  assert.match(help, /init/);
});

test('init in a directory with a package.json start script writes a service that deploys, and refuses to overwrite it', async () => {
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'hello-app', scripts: { start: 'node server.js' } }));
  writeFileSync(
    join(app, 'server.js'),
    "require('node:http').createServer((q, s) => s.end('hello from ' + q.url)).listen(Number(process.env.PORT));\n",
  );
  assert.match(await ok(installed, ['init'], app), /wrote compartment\.yaml: a process service .* named hello-app/);
  const written = readFileSync(join(app, 'compartment.yaml'), 'utf8');
  assert.match(written, /^ {4}# .*\n {4}start: npm start$/m, 'commented');
  const again = await run(installed, ['init'], app);
  assert.is(again.code, 1);
  assert.match(again.stderr, /compartment\.yaml already exists .*not overwritten/);
  assert.is(readFileSync(join(app, 'compartment.yaml'), 'utf8'), written);

  await ok(installed, ['up', '--detach'], app);
  assert.match(await ok(installed, ['deploy'], app), /succeeded/);
  const [record] = JSON.parse(await ok(installed, ['status', '--json'], app)) as Array<{
    serviceName: string;
    routeUrl: string;
  }>;
  assert.is(record!.serviceName, 'hello-app');
  assert.is(await (await fetch(record!.routeUrl)).text(), 'hello from /');
});

test('an unbuilt checkout says `run scripts/setup first`, not a stack trace', async () => {
  const checkout = join(work.path, 'checkout');
  mkdirSync(join(checkout, 'bin'), { recursive: true });
  copyFileSync(join(ROOT, 'bin/compartment.js'), join(checkout, 'bin/compartment.js'));
  for (const args of [['--help'], ['node', '--help']]) {
    const r = await run(process.execPath, [join(checkout, 'bin/compartment.js'), ...args], checkout);
    assert.is(r.code, 1);
    assert.match(r.stderr, /run scripts\/setup first/);
    assert.not.match(r.stderr, /^\s+at /m, 'no stack trace');
  }
});

test.run();
