// Makes the path down to the releases traverse-only (0711) and checks that the workload user can really walk it.
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { releasesRoot } from './release-layout.js';
import type { WorkloadUser } from './workload-user.js';

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
  for (let dir = resolve(root); ; dir = dirname(dir)) {
    const st = await stat(dir);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      return `workload user ${user.name} cannot reach the releases under ${root}: ${dir} is mode ${(st.mode & 0o777).toString(8).padStart(4, '0')} (no search permission); give it o+x or pass --workload-dir elsewhere`;
    }
    if (dir === dirname(dir)) return null;
  }
}
