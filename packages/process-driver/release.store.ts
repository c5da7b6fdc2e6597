// Release directories: a source tarball extracted atomically (temp dir, then rename), listed, and pruned.
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { extract } from 'tar';
import { releasePaths, serviceDir, releasesRoot, type WorkloadKey } from './release-layout.js';
import { exists } from './atomic-file.js';
import { DEPLOYMENT_ID_PATTERN, NAME_PATTERN } from '../protocol/index.js';

const TMP_PREFIX = '.tmp-';
/** A temp dir older than this belongs to an extraction that died with its agent. */
const STALE_TMP_MS = 10 * 60_000;

/** Extracts a tar(.gz) into the release's app dir; a release that exists already is left as it is. */
export async function extractRelease(
  dataDir: string,
  key: WorkloadKey,
  source: string | Readable,
): Promise<{ dir: string; extracted: boolean }> {
  const paths = releasePaths(dataDir, key);
  if (await exists(paths.app)) return { dir: paths.dir, extracted: false };
  const parent = serviceDir(dataDir, key.env, key.service);
  const tmp = join(parent, `${TMP_PREFIX}${key.deploymentId}-${randomBytes(4).toString('hex')}`);
  await mkdir(join(tmp, 'app'), { recursive: true });
  try {
    await untar(source, join(tmp, 'app'));
    await rename(tmp, paths.dir);
    return { dir: paths.dir, extracted: true };
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    // Lost a race with another extraction of the same release: theirs is complete, so ours is not needed.
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(paths.app))) return { dir: paths.dir, extracted: false };
    throw error;
  }
}

async function untar(source: string | Readable, cwd: string): Promise<void> {
  if (typeof source === 'string') {
    await extract({ file: source, cwd, strict: true });
    return;
  }
  const unpack = extract({ cwd, strict: true });
  await new Promise<void>((resolve, reject) => {
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
