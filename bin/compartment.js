#!/usr/bin/env node
// The `compartment` executable: `node`, `edge` and `dashboard` run server processes; every other command is the CLI.
import { statSync } from 'node:fs';

const entries = {
  node: '../dist/nodes/agent/agent.main.js',
  edge: '../dist/nodes/edge/edge.main.js',
  dashboard: '../dist/nodes/dashboard/dashboard.main.js',
};

/** The bundled CLI (scripts/bundle-cli.mjs) starts faster; it is used only while no later tsc build could make it stale. */
function cliEntry() {
  const mtime = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? null;
  const bundle = mtime('../dist/cli.bundle.js');
  const built = mtime('../dist/.tsbuildinfo');
  return bundle !== null && built !== null && bundle >= built ? '../dist/cli.bundle.js' : '../dist/packages/cli/main.js';
}

const entry = entries[process.argv[2]] ?? cliEntry();
await import(new URL(entry, import.meta.url).href);
