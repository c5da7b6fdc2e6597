#!/usr/bin/env node
// The `compartment` executable: `node`, `edge` and `dashboard` run server processes; every other command is the CLI.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const entries = {
  node: '../dist/nodes/agent/agent.main.js',
  edge: '../dist/nodes/edge/edge.main.js',
  dashboard: '../dist/nodes/dashboard/dashboard.main.js',
};
const CLI_BUNDLE = '../dist/cli.bundle.cjs';
/** One code cache per command (what `deploy` compiled is not what `status` did); a few dozen at most. */
const MAX_CACHES = 32;

/** A bundle (scripts/bundle-cli.mjs) starts faster; it is used only while no later tsc build could make it stale. */
function bundledOr(bundlePath, compiled) {
  const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? null;
  const bundle = mtime(bundlePath);
  const built = mtime('../dist/.tsbuildinfo');
  return bundle !== null && built !== null && bundle >= built ? bundlePath : compiled;
}

/**
 * Runs the CommonJS CLI bundle as a vm.Script with V8's code cache: Node 20 caches no ES module, and compiling the
 * bundle's functions is most of what a command costs before it does anything. The cache is written when the process
 * exits (so it holds every function the command compiled), once per command, bundle build and Node version; the
 * file name carries the bundle's size and mtime because V8 itself checks only the source's length.
 */
function runBundle(file, command) {
  const { size, mtimeMs } = statSync(file);
  const dir = `${file}.v8-cache`;
  const key = /^[a-z][a-z-]{0,19}$/.test(command ?? '') ? command : 'other';
  const cacheFile = `${dir}/${key}-${size}-${Math.trunc(mtimeMs)}-${process.version}.bin`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`,
    { filename: file, cachedData },
  );
  if (cachedData === undefined || script.cachedDataRejected)
    process.once('exit', () => saveCache(script, dir, cacheFile));
  // A script from a code cache cannot import() (Node 20): the modules kept outside the bundle are imported here.
  globalThis.__compartmentImportOutside = (path) => import(new URL(path, pathToFileURL(file)).href);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
}

/** Best effort: a read-only install runs without a cache. Renamed into place, so a concurrent run never reads half. */
function saveCache(script, dir, cacheFile) {
  try {
    mkdirSync(dir, { recursive: true });
    if (readdirSync(dir).length >= MAX_CACHES) return;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    // no cache this time
  }
}

const command = process.argv[2];
const chosen =
  command === 'edge'
    ? bundledOr('../dist/edge.bundle.js', entries.edge)
    : (entries[command] ?? bundledOr(CLI_BUNDLE, '../dist/packages/cli/main.js'));
const entry = new URL(chosen, import.meta.url);
// A checkout that was never built (or whose dependencies are not installed) gets one line saying what to do, not a stack trace.
const notBuilt = (what) => {
  process.stderr.write(
    `compartment: ${what} is missing: run scripts/setup first (it installs the dependencies and builds dist/)\n`,
  );
  process.exit(1);
};
if (!existsSync(entry)) notBuilt('the build (dist/)');
if (chosen === CLI_BUNDLE) {
  runBundle(fileURLToPath(entry), command);
} else {
  try {
    await import(entry.href);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    notBuilt(`a module (${String(e.message).split('\n')[0]})`);
  }
}
