// docs/architecture.md stays true: its statechart is the machine's, and every path it or the README's tour names exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withStatechart } from '../../scripts/architecture-doc/statechart-block.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const TOP = ['packages', 'machines', 'nodes', 'cluster', 'test', 'scripts', 'bench', 'docs', 'examples'];

/** Backticked project paths (`nodes/edge/route-cache.ts`, `packages/edge`), without a trailing `/`. */
function pathsIn(text: string): string[] {
  const found = new Set<string>();
  for (const [, inner] of text.matchAll(/`([^`\s]+)`/g)) {
    const p = inner!.replace(/\/$/, '');
    if (TOP.some((t) => p === t || p.startsWith(`${t}/`)) && !/[*{}<>]/.test(p)) found.add(p);
  }
  return [...found];
}

test('the statechart block is what machines/deployment renders now', () => {
  const next = withStatechart(doc);
  assert.ok(next, 'docs/architecture.md has no <!-- statechart:start --> … <!-- statechart:end --> block');
  assert.ok(next === doc, 'the statechart in docs/architecture.md is stale: `npm run build && npm run arch-docs`');
});

test('every path docs/architecture.md names exists', () => {
  const paths = pathsIn(doc);
  assert.ok(paths.length > 20, `expected many paths, found ${paths.length}`);
  assert.equal(
    paths.filter((p) => !existsSync(join(ROOT, p))),
    [],
  );
});

test("every path the README's tour of the folders names exists", () => {
  const tour = /## A tour of the folders\n([\s\S]*?)\n## /.exec(readme)?.[1];
  assert.ok(tour, 'README.md has no "A tour of the folders" section');
  const paths = pathsIn(tour!);
  assert.ok(paths.length > 10, `expected many paths, found ${paths.length}`);
  assert.equal(
    paths.filter((p) => !existsSync(join(ROOT, p))),
    [],
  );
});

test.run();
