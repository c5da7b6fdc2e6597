// Makes the path down to the releases traverse-only (0711) and checks that the workload user can really walk it.
import { chmodSync, mkdirSync, type Stats, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { releasesRoot } from './release-layout.js';
import type { WorkloadUser } from './workload-user.js';

/** Where releases go when the data dir is out of the workload user's reach (e.g. a project under /root): root's, 0711. */
export const FALLBACK_RELEASES = '/var/lib/compartment/releases';

/** Why `user` cannot walk down to `dir` (the first directory on the way without search permission), or null. */
export function blockedAt(dir: string, user: WorkloadUser): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    let st: Stats | null;
    try {
      st = statSync(d);
    } catch {
      st = null; // not there yet: it will be created with the modes we give it
    }
    const bit = st === null ? 0o001 : st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if (st !== null && (st.mode & bit) === 0) {
      return `workload user ${user.name} cannot reach ${dir}: ${d} is mode ${(st.mode & 0o777).toString(8).padStart(4, '0')} (no search permission for it)`;
    }
    if (d === dirname(d)) return null;
  }
}

/**
 * The process runtime's data dir: `wanted`, unless the workload user cannot reach it and no dir was given explicitly;
 * then `<FALLBACK_RELEASES>/<nodeId>`, created traverse-only. `moved` says why it moved.
 */
export function chooseReleaseDir(
  wanted: string,
  user: WorkloadUser | null,
  nodeId: string,
  explicit: boolean,
): { dir: string; moved: string | null } {
  if (user === null || explicit) return { dir: wanted, moved: null };
  const why = blockedAt(dirname(resolve(wanted)), user);
  if (why === null) return { dir: wanted, moved: null };
  const dir = join(FALLBACK_RELEASES, nodeId);
  mkdirSync(dir, { recursive: true });
  for (let d = dir; d !== '/var/lib'; d = dirname(d)) chmodSync(d, 0o711);
  return { dir, moved: why };
}

/**
 * The data dir and `releases/` are 0711: the workload user may pass through to its own release but list and read
 * nothing else. Returns why the user cannot reach the releases (a directory above without search permission), or null.
 */
export async function prepareReleaseRoot(dataDir: string, user: WorkloadUser | null): Promise<string | null> {
  const root = releasesRoot(dataDir);
  await mkdir(root, { recursive: true });
  await chmod(dataDir, 0o711);
  await chmod(root, 0o711);
  if (user === null) return null;
  const why = blockedAt(root, user);
  return why === null ? null : `${why}; give it o+x or pass --workload-dir elsewhere`;
}
