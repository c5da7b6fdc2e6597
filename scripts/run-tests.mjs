#!/usr/bin/env node
// Runs the type-check, Biome's format and lint check, and every compiled test file (each in its own process) and ends with "N passed, N failed".
// Usage: node scripts/run-tests.mjs [substring ...]   (only test files whose path contains one of them)
import { spawn } from 'node:child_process';
import { readdirSync, statSync, mkdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 10 * 60_000);
// Unit tests run two at a time; integration tests under test/ start real servers and run one at a time.
const UNIT_JOBS = Number(process.env.TEST_JOBS ?? 2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    // A compiled test whose TypeScript source was moved or deleted is stale: tsc never removes outputs.
    else if (
      name.endsWith('.test.js') &&
      existsSync(join(root, relative(join(root, 'dist'), path)).replace(/\.js$/, '.ts'))
    )
      out.push(path);
  }
  return out.sort();
}

function run(cmd, args, timeoutMs) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, NODE_DISABLE_COLORS: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[run-tests] timed out after ${timeoutMs} ms; killed\n`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, ms: Date.now() - started });
    });
  });
}

/** uvu prints "Total: N / Passed: N / Skipped: N"; a skipped test is not a passing one. */
function countsOf({ code, output }) {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const num = (label) =>
    [...clean.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped');
  let failed = total - passed;
  if (code !== 0 && failed === 0) failed = 1 + skipped; // crashed outside a test, or exited non-zero with no summary
  return { passed, failed, skipped };
}

const tests = findTests(join(root, 'dist')).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
mkdirSync(join(root, 'test-output'), { recursive: true });
let passed = 0;
let failed = 0;

function report(name, result, counts) {
  passed += counts.passed;
  failed += counts.failed;
  const mark = counts.failed === 0 ? 'ok  ' : 'FAIL';
  console.log(
    `${mark} ${name}  ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped (counted as failed)` : ''} (${(result.ms / 1000).toFixed(1)} s)`,
  );
  if (counts.failed > 0)
    console.log(
      result.output
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
}

if (filters.length === 0) {
  const tsc = join(root, 'node_modules/.bin/tsc');
  const a = await run(tsc, ['-p', 'tsconfig.json', '--noEmit'], 5 * 60_000);
  const b = a.code === 0 ? await run(tsc, ['-p', 'machines/tsconfig.json'], 5 * 60_000) : a;
  report(
    'type-check (tsconfig.json, machines/tsconfig.json without Node types)',
    b,
    b.code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 },
  );
  // Format and lint (biome.jsonc): a lint error or an unformatted file fails the run like a failed test.
  const lint = await run(
    join(root, 'node_modules/.bin/biome'),
    ['ci', '--colors=off', '--diagnostic-level=error', '.'],
    2 * 60_000,
  );
  report(
    'format and lint (biome ci)',
    lint,
    lint.code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 },
  );
}

const unit = tests.filter((f) => !relative(join(root, 'dist'), f).startsWith('test/'));
const integration = tests.filter((f) => relative(join(root, 'dist'), f).startsWith('test/'));
const runFile = async (file) => {
  const result = await run(process.execPath, ['--enable-source-maps', file], FILE_TIMEOUT_MS);
  report(relative(join(root, 'dist'), file), result, countsOf(result));
};
const queue = [...unit];
await Promise.all(
  Array.from({ length: UNIT_JOBS }, async () => {
    while (queue.length) await runFile(queue.shift());
  }),
);
for (const file of integration) await runFile(file);

if (tests.length === 0 && filters.length > 0) {
  console.log(`no test file matches ${filters.join(', ')}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
