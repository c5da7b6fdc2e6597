// Data-dir permissions of the server processes: umask 077, the dir itself traverse-only, its other entries private.
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Creates `dir` (0711 when `passThrough` names entries workloads must reach below it, else 0700), sets this process's
 * umask to 077 so every later file is 0600 and every dir 0700, and tightens what an earlier run left: each entry of
 * `dir` not in `passThrough` becomes 0700 (dirs) or 0600 (files). Its descendants need no change: nobody else can
 * traverse into them.
 */
export function privateDataDir(dir: string, passThrough: readonly string[] = []): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, passThrough.length > 0 ? 0o711 : 0o700);
  process.umask(0o077);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (passThrough.includes(entry.name) || entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) chmodSync(join(dir, entry.name), 0o700);
    else if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600);
  }
}
