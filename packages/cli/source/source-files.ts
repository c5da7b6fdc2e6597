// Lists a service's source tree in a fixed order, honouring .compartmentignore (gitignore syntax) and the default ignores.
import { readFileSync, readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import ignore from 'ignore';

export const IGNORE_FILE = '.compartmentignore';
/** Never part of a source upload unless .compartmentignore re-includes them with `!`. */
export const DEFAULT_IGNORES = ['.git', 'node_modules', '.compartment'];

/** Byte order, not locale order: the same tree lists the same way on every machine. */
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Relative POSIX paths of every directory, file and symlink to pack, parents before children.
 * Other entry types (sockets, fifos, devices) cannot be shipped and are left out.
 */
export function listSourceFiles(root: string): string[] {
  const ig = ignore().add(DEFAULT_IGNORES);
  try {
    ig.add(readFileSync(join(root, IGNORE_FILE), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    const names = readdirSync(join(root, dir)).sort(byCodeUnit);
    for (const name of names) {
      const rel = dir ? `${dir}/${name}` : name;
      const stat = lstatSync(join(root, rel));
      if (stat.isDirectory()) {
        // A directory pattern like `build/` only matches with the trailing slash.
        if (ig.ignores(`${rel}/`)) continue;
        out.push(rel);
        walk(rel);
      } else if (stat.isFile() || stat.isSymbolicLink()) {
        if (!ig.ignores(rel)) out.push(rel);
      }
    }
  };
  walk('');
  return out;
}
