// Release directories: a source tarball extracted atomically (temp dir, then rename), listed, and pruned.
import { chmod, chown, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { extract, Unpack } from 'tar';
import { releasePaths, serviceDir, releasesRoot, type WorkloadKey } from './release-layout.js';
import { exists } from './atomic-file.js';
import { refusalOf, refusedArchive, safeMode } from './archive-policy.js';
import { errorText, DEPLOYMENT_ID_PATTERN, NAME_PATTERN } from '../protocol/index.js';

const TMP_PREFIX = '.tmp-';
/** A temp dir older than this belongs to an extraction that died with its agent. */
const STALE_TMP_MS = 10 * 60_000;

/** Who owns an extracted app dir (the workload user); absent: the agent's user. */
export interface ReleaseOwner {
  uid: number;
  gid: number;
}

/**
 * Extracts a tar(.gz) into the release's app dir; a release that exists already is left as it is. The release dir
 * is traverse-only (0711, the agent's); `app/` is 0700 and belongs to `owner`. A refused entry fails the whole archive.
 */
export async function extractRelease(
  dataDir: string,
  key: WorkloadKey,
  source: string | Readable,
  owner: ReleaseOwner | null = null,
): Promise<{ dir: string; extracted: boolean }> {
  const paths = releasePaths(dataDir, key);
  if (await exists(paths.app)) return { dir: paths.dir, extracted: false };
  const parent = serviceDir(dataDir, key.env, key.service);
  const tmp = join(parent, `${TMP_PREFIX}${key.deploymentId}-${randomBytes(4).toString('hex')}`);
  await mkdir(join(tmp, 'app'), { recursive: true });
  // Traverse-only down to the release: the workload user reaches its app dir but lists nothing on the way.
  for (const dir of [releasesRoot(dataDir), join(releasesRoot(dataDir), key.env), parent]) await chmod(dir, 0o711);
  try {
    await chmod(tmp, 0o711);
    await chmod(join(tmp, 'app'), 0o700);
    if (owner) await chown(join(tmp, 'app'), owner.uid, owner.gid);
    await untar(source, join(tmp, 'app'), owner);
    await rename(tmp, paths.dir);
    return { dir: paths.dir, extracted: true };
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    // Lost a race with another extraction of the same release: theirs is complete, so ours is not needed.
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(paths.app)))
      return { dir: paths.dir, extracted: false };
    throw error;
  }
}

async function untar(source: string | Readable, cwd: string, owner: ReleaseOwner | null): Promise<void> {
  const refused: string[] = [];
  const options = {
    cwd,
    strict: true,
    // Never the archive's owners: the workload user's, or (not root) our own.
    preserveOwner: false,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    filter: (_path: string, entry: unknown) => {
      const e = entry as { path: string; type: string; mode?: number; linkpath?: string };
      const why = refusalOf(e);
      if (why !== null) refused.push(why);
      else e.mode = safeMode(e.mode);
      return why === null && refused.length === 0;
    },
  };
  try {
    if (typeof source === 'string') await extract({ ...options, file: source });
    else await unpackStream(source, new Unpack(options));
  } catch (error) {
    // tar's own refusals (e.g. writing through a link the archive made) read as the policy's do.
    const code = (error as NodeJS.ErrnoException).code;
    throw refused.length === 0 && code?.startsWith('TAR_') && code !== 'TAR_BAD_ARCHIVE'
      ? refusedArchive([errorText(error)])
      : error;
  }
  if (refused.length > 0) throw refusedArchive(refused);
}

function unpackStream(source: Readable, unpack: Unpack): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    source.once('error', reject);
    unpack.once('error', reject);
    unpack.once('close', () => resolve());
    source.pipe(unpack);
  });
}

/** Deployment ids that have a release dir for this service. */
export async function listReleaseIds(dataDir: string, env: string, service: string): Promise<string[]> {
  return (await dirNames(serviceDir(dataDir, env, service))).filter((n) => DEPLOYMENT_ID_PATTERN.test(n));
}

/** Every (env, service, deploymentId) with a release dir under the data dir. */
export async function listReleaseKeys(dataDir: string): Promise<WorkloadKey[]> {
  const keys: WorkloadKey[] = [];
  const named = async (path: string, pattern: RegExp) => (await dirNames(path)).filter((n) => pattern.test(n));
  for (const env of await named(releasesRoot(dataDir), NAME_PATTERN)) {
    for (const service of await named(join(releasesRoot(dataDir), env), NAME_PATTERN)) {
      for (const deploymentId of await named(join(releasesRoot(dataDir), env, service), DEPLOYMENT_ID_PATTERN)) {
        keys.push({ env, service, deploymentId });
      }
    }
  }
  return keys;
}

/** Removes release dirs not in `keepIds` whose workload is not running, and stale temp dirs. */
export async function pruneReleases(
  dataDir: string,
  env: string,
  service: string,
  keepIds: readonly string[],
  isRunning: (key: WorkloadKey) => Promise<boolean>,
): Promise<string[]> {
  const parent = serviceDir(dataDir, env, service);
  const removed: string[] = [];
  for (const name of await dirNames(parent)) {
    const path = join(parent, name);
    if (name.startsWith(TMP_PREFIX)) {
      const age = Date.now() - (await stat(path)).mtimeMs;
      if (age > STALE_TMP_MS) await rm(path, { recursive: true, force: true });
      continue;
    }
    if (keepIds.includes(name) || !DEPLOYMENT_ID_PATTERN.test(name)) continue;
    if (await isRunning({ env, service, deploymentId: name })) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

async function dirNames(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}
