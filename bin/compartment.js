#!/usr/bin/env node
// The `compartment` executable: `node`, `edge` and `dashboard` run server processes; every other command is the CLI.
import { existsSync, statSync } from 'node:fs';

const entries = {
  node: '../dist/nodes/agent/agent.main.js',
  edge: '../dist/nodes/edge/edge.main.js',
  dashboard: '../dist/nodes/dashboard/dashboard.main.js',
};

/** A bundle (scripts/bundle-cli.mjs) starts faster; it is used only while no later tsc build could make it stale. */
function bundledOr(bundlePath, compiled) {
  const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? null;
  const bundle = mtime(bundlePath);
  const built = mtime('../dist/.tsbuildinfo');
  return bundle !== null && built !== null && bundle >= built ? bundlePath : compiled;
}

const command = process.argv[2];
const chosen =
  command === 'edge'
    ? bundledOr('../dist/edge.bundle.js', entries.edge)
    : (entries[command] ?? bundledOr('../dist/cli.bundle.js', '../dist/packages/cli/main.js'));
const entry = new URL(chosen, import.meta.url);
// A checkout that was never built (or whose dependencies are not installed) gets one line saying what to do, not a stack trace.
const notBuilt = (what) => {
  process.stderr.write(
    `compartment: ${what} is missing: run scripts/setup first (it installs the dependencies and builds dist/)\n`,
  );
  process.exit(1);
};
if (!existsSync(entry)) notBuilt('the build (dist/)');
try {
  await import(entry.href);
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  notBuilt(`a module (${String(e.message).split('\n')[0]})`);
}
