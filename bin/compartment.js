#!/usr/bin/env node
// The `compartment` executable: `node`, `edge` and `dashboard` run server processes; every other command is the CLI.
const entries = {
  node: '../dist/nodes/agent/agent.main.js',
  edge: '../dist/nodes/edge/edge.main.js',
  dashboard: '../dist/nodes/dashboard/dashboard.main.js',
};
const entry = entries[process.argv[2]] ?? '../dist/packages/cli/main.js';
await import(new URL(entry, import.meta.url).href);
