// What a release archive may contain: relative paths inside the release, links that stay inside, plain files and dirs.
import { posix } from 'node:path';
import { CompartmentError } from '../protocol/index.js';

/** The entry types a release may hold; devices, fifos and anything exotic are refused. */
const ALLOWED = new Set(['File', 'OldFile', 'ContigFile', 'Directory', 'SymbolicLink', 'Link']);
const SPECIAL_BITS = 0o7000;

export interface ArchiveEntryView {
  path: string;
  type: string;
  mode?: number;
  linkpath?: string;
}

/** Why an entry is refused, or null when it may be extracted. */
export function refusalOf(entry: ArchiveEntryView): string | null {
  const { path, type } = entry;
  if (!ALLOWED.has(type))
    return `${JSON.stringify(path)} is a ${type} (only files, directories and links inside the release are allowed)`;
  if (leavesRoot(path, '.')) return `${JSON.stringify(path)} is an absolute path or climbs out with ".."`;
  if (type !== 'Directory' && typeof entry.mode === 'number' && (entry.mode & 0o6000) !== 0) {
    return `${JSON.stringify(path)} has the setuid or setgid bit`;
  }
  if (type === 'SymbolicLink' || type === 'Link') {
    const target = entry.linkpath ?? '';
    // A symlink resolves from its own directory; a hard link names a path from the archive's root.
    const base = type === 'SymbolicLink' ? posix.dirname(path) : '.';
    if (target === '' || leavesRoot(target, base))
      return `${JSON.stringify(path)} links to ${JSON.stringify(target)}, outside the release`;
  }
  return null;
}

/** The mode a kept entry gets: never setuid, setgid or sticky. */
export const safeMode = (mode: number | undefined): number | undefined =>
  typeof mode === 'number' ? mode & ~SPECIAL_BITS & 0o777 : mode;

function leavesRoot(path: string, base: string): boolean {
  if (path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(path) || path.includes('\\..')) return true;
  if (path.split('/').includes('..') && base === '.') return true;
  const resolved = posix.normalize(posix.join(base, path));
  return resolved === '..' || resolved.startsWith('../');
}

export function refusedArchive(reasons: readonly string[]): CompartmentError {
  const more = reasons.length > 3 ? ` (and ${reasons.length - 3} more)` : '';
  return new CompartmentError('BUILD_FAILED', `source archive refused: ${reasons.slice(0, 3).join('; ')}${more}`);
}
