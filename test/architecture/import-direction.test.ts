// Enforces the dependency table docs/architecture.md quotes: which folder may import which, on every source file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../../..');
const NATS = /^@nats-io\//;

/** Where a file lives, in the table's terms. */
function areaOf(file: string): string {
  const [top, second] = relative(root, file).split('/');
  if (top === 'packages') return `packages/${second}`;
  if (top === 'cluster' && (second === 'rpc' || second === 'client')) return `cluster/${second}`;
  return top ?? '';
}

/**
 * The dependency table, as data: docs/architecture.md quotes it (rendered by `renderTable`), so the two cannot drift.
 * `areas` and `modules` are patterns: `x/*` matches what starts with `x/`, `*` alone matches all, `!p` excludes `p`.
 */
const TABLE: Array<{ area: string; areas: string[]; modules: string[] }> = [
  { area: 'machines', areas: ['machines', 'packages/protocol'], modules: ['xstate'] },
  { area: 'packages/protocol', areas: ['packages/protocol'], modules: ['zod'] },
  {
    area: 'packages/cli',
    areas: ['packages/cli', 'packages/protocol', 'packages/kit', 'cluster/rpc', 'cluster/client'],
    modules: ['@nats-io/*', 'node:*', 'commander', 'yaml', 'tar', 'ignore', 'zod'],
  },
  { area: 'packages/*', areas: ['packages/*', '!packages/cli'], modules: ['*'] },
  // The one RPC layer is its own area: the CLI may use it, so it may use nothing but the protocol and the NATS client.
  { area: 'cluster/rpc', areas: ['cluster/rpc', 'packages/protocol'], modules: ['@nats-io/*'] },
  // The one API client (watch, upload) the CLI, the dashboard and tests share: the RPC layer's rules, plus the RPC layer.
  { area: 'cluster/client', areas: ['cluster/client', 'cluster/rpc', 'packages/protocol'], modules: ['@nats-io/*'] },
  { area: 'cluster', areas: ['cluster', 'cluster/rpc', 'packages/protocol'], modules: ['@nats-io/*', 'node:*', 'zod'] },
  // Everything that talks to NATS lives in cluster/: nodes/ may name NATS types, never call the client itself.
  { area: 'nodes', areas: ['*', '!test', '!packages/cli'], modules: ['*', '!@nats-io/*'] },
];

/** Whether `name` matches a pattern list: at least one positive pattern matches and no `!` pattern does. */
function matches(patterns: string[], name: string): boolean {
  const one = (p: string) => p === '*' || p === name || (p.endsWith('*') && name.startsWith(p.slice(0, -1)));
  const yes = patterns.filter((p) => !p.startsWith('!'));
  const no = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return yes.some(one) && !no.some(one);
}

interface Rule {
  /** Project areas this area may import. */
  areas: (area: string) => boolean;
  /** npm packages (and node: builtins) this area may import. */
  modules: (spec: string) => boolean;
}

const RULES: Array<[test: (area: string, file: string) => boolean, rule: Rule]> = TABLE.map((row) => [
  (area: string) => matches([row.area], area),
  { areas: (x: string) => matches(row.areas, x), modules: (m: string) => matches(row.modules, m) },
]);

/** The table as docs/architecture.md prints it (first matching row wins, so order matters). */
function renderTable(): string {
  const cell = (xs: string[]) => xs.map((x) => `\`${x}\``).join(', ');
  const rows = TABLE.map((r) => `| \`${r.area}\` | ${cell(r.areas)} | ${cell(r.modules)} |`);
  return ['| area | may import (project) | may import (modules) |', '|---|---|---|', ...rows].join('\n');
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `@nats-io/kv/internal` → `@nats-io/kv`, `uvu/assert` → `uvu`, `node:fs` stays. */
function packageName(spec: string): string {
  return spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
}

/** Every module a file imports; `typeOnly` tells which are only `import type` (erased when compiled). */
function importsOf(text: string): Array<{ spec: string; typeOnly: boolean }> {
  const specs = new Map<string, boolean>();
  const add = (spec: string, typeOnly: boolean) => specs.set(spec, (specs.get(spec) ?? true) && typeOnly);
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?\s[^'"]*?from\s+['"]([^'"]+)['"]/g))
    add(m[3]!, Boolean(m[2]));
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) add(m[1]!, false);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1]!, false);
  return [...specs].map(([spec, typeOnly]) => ({ spec, typeOnly }));
}

const files = ['packages', 'machines', 'cluster', 'nodes'].flatMap((d) => {
  try {
    return sources(join(root, d));
  } catch {
    return [];
  }
});

test('there are sources to check', () => {
  assert.ok(files.length > 10, `found ${files.length} files`);
});

test('every import follows the dependency table', () => {
  const violations: string[] = [];
  for (const file of files) {
    const area = areaOf(file);
    const rule = RULES.find(([matches]) => matches(area, file))?.[1];
    if (!rule) continue;
    // Test files beside the code may use test libraries; which project folders they reach is still checked.
    const isTest = file.includes('/tests/');
    for (const { spec, typeOnly } of importsOf(readFileSync(file, 'utf8'))) {
      const ok = spec.startsWith('.')
        ? rule.areas(areaOf(resolve(dirname(file), spec)))
        : isTest || typeOnly || rule.modules(packageName(spec));
      if (!ok) violations.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  assert.equal(violations, []);
});

test('the rule catches a violation (machines importing node:fs)', () => {
  const rule = RULES.find(([m]) => m('machines', join(root, 'machines/deployment/x.ts')))![1];
  assert.not.ok(rule.modules('node:fs'));
  assert.not.ok(rule.areas('nodes'));
});

test('nodes/ may not call the NATS client: that lives in cluster/', () => {
  const rule = RULES.find(([m]) => m('nodes', join(root, 'nodes/agent/x.ts')))![1];
  assert.not.ok(rule.modules('@nats-io/nats-core'));
  assert.ok(rule.modules('xstate'));
  assert.equal(importsOf("import type { Msg } from '@nats-io/nats-core';\nimport { x } from 'y';"), [
    { spec: '@nats-io/nats-core', typeOnly: true },
    { spec: 'y', typeOnly: false },
  ]);
});

test('the CLI reaches NATS only through the protocol and the one RPC layer, which itself imports nothing else', () => {
  const cli = RULES.find(([m]) => m('packages/cli', join(root, 'packages/cli/x.ts')))![1];
  assert.ok(cli.areas('cluster/rpc'));
  assert.not.ok(cli.areas('cluster'));
  assert.not.ok(cli.areas('nodes'));
  const rpc = RULES.find(([m]) => m('cluster/rpc', join(root, 'cluster/rpc/x.ts')))![1];
  assert.not.ok(rpc.areas('cluster'));
  assert.not.ok(rpc.modules('node:fs'));
});

test('docs/architecture.md quotes the table this test enforces', () => {
  const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
  const quoted = /<!-- import-table:start[^>]*-->\n([\s\S]*?)\n<!-- import-table:end -->/.exec(doc)?.[1];
  assert.ok(quoted, 'docs/architecture.md has no <!-- import-table:start --> … <!-- import-table:end --> block');
  assert.fixture(quoted!, renderTable());
});

test('patterns: a wildcard with an exclusion', () => {
  assert.ok(matches(['*', '!test'], 'nodes'));
  assert.not.ok(matches(['*', '!test'], 'test'));
  assert.ok(matches(['packages/*', '!packages/cli'], 'packages/edge'));
  assert.not.ok(matches(['packages/*', '!packages/cli'], 'packages/cli'));
  assert.ok(matches(['@nats-io/*'], '@nats-io/kv'));
});

test.run();
