// Raw results as JSON under bench/results/: one file per scenario (written atomically), plus the machine they ran on.
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './paths.js';

/** `dir`: where to write; a --quick run writes outside the repository so it never replaces real results. */
export function writeResult(name: string, value: unknown, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  writeFileSync(`${path}.tmp`, JSON.stringify(value, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
  return path;
}

/** Every stored result by file name (without .json); unreadable files are skipped. */
export function readResults(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  let names: string[] = [];
  try {
    names = readdirSync(RESULTS_DIR).filter((n) => n.endsWith('.json'));
  } catch {
    return out;
  }
  for (const name of names) {
    try {
      out.set(name.slice(0, -5), JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8')));
    } catch {
      // a half-written or hand-edited file: the report shows that scenario as missing
    }
  }
  return out;
}
