// Enforces DESIGN.md's dependency table: which folder may import which, checked on every source file.
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
  return top ?? '';
}

interface Rule {
  /** Project areas this area may import. */
  areas: (area: string) => boolean;
  /** npm packages (and node: builtins) this area may import. */
  modules: (spec: string) => boolean;
}

const RULES: Array<[test: (area: string, file: string) => boolean, rule: Rule]> = [
  [(a) => a === 'machines', { areas: (x) => x === 'machines' || x === 'packages/protocol', modules: (m) => m === 'xstate' }],
  [(a) => a === 'packages/protocol', { areas: (x) => x === 'packages/protocol', modules: (m) => m === 'zod' }],
  [(a) => a === 'packages/cli', {
    areas: (x) => x === 'packages/cli' || x === 'packages/protocol',
    modules: (m) => NATS.test(m) || m.startsWith('node:') || ['commander', 'yaml', 'tar', 'ignore', 'zod'].includes(m),
  }],
  [(a) => a.startsWith('packages/'), { areas: (x) => x.startsWith('packages/') && x !== 'packages/cli', modules: () => true }],
  [(a) => a === 'cluster', { areas: (x) => x === 'cluster' || x === 'packages/protocol', modules: (m) => NATS.test(m) || m.startsWith('node:') || m === 'zod' }],
  [(a) => a === 'nodes', { areas: (x) => x !== 'test' && x !== 'packages/cli', modules: () => true }],
];

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
  return spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
}

function importsOf(text: string): string[] {
  const specs = new Set<string>();
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) specs.add(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) specs.add(m[1]!);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.add(m[1]!);
  return [...specs];
}

const files = ['packages', 'machines', 'cluster', 'nodes'].flatMap((d) => {
  try { return sources(join(root, d)); } catch { return []; }
});

test('there are sources to check', () => {
  assert.ok(files.length > 10, `found ${files.length} files`);
});

test('every import follows the dependency table in DESIGN.md', () => {
  const violations: string[] = [];
  for (const file of files) {
    const area = areaOf(file);
    const rule = RULES.find(([matches]) => matches(area, file))?.[1];
    if (!rule) continue;
    // Test files beside the code may use test libraries; which project folders they reach is still checked.
    const isTest = file.includes('/tests/');
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const ok = spec.startsWith('.') ? rule.areas(areaOf(resolve(dirname(file), spec))) : isTest || rule.modules(packageName(spec));
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

test.run();
