// The cluster key `up` keeps in its data dir: made once (32 random bytes, 0600), reused by every later `up` and every member.
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

/** Where `up`'s node agents read the key (`node --cluster-key`): one file, so `up --nodes 3` members share it. */
export const clusterKeyFileOf = (dataDir: string) => join(dataDir, 'cluster.key');

/**
 * Creates the key file unless it exists; the format is the node agent's (base64 keys, one a line, current first).
 * The CLI itself never reads it back: only node agents seal and open secrets.
 */
export function ensureClusterKey(dataDir: string): { path: string; created: boolean } {
  const path = clusterKeyFileOf(dataDir);
  if (existsSync(path)) return { path, created: false };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return { path, created: true };
}
