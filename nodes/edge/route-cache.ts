// The routes an edge last knew, kept on disk so a restarted edge answers Caddy before it has reached NATS again.
import { readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { RouteRecord } from '../../packages/protocol/index.js';

const CachedRoute = z.object({ key: z.string(), revision: z.number().int().nonnegative(), route: RouteRecord });
export type CachedRoute = z.output<typeof CachedRoute>;

/**
 * Routes as last written, if the edge that kept them still heartbeat within `maxAgeMs` (the file is touched with each
 * heartbeat): while agents count an edge live, they wait for it to confirm a switch before draining, so its routes
 * cannot have gone stale. Older, absent or unparsable: an empty cache, never an error.
 */
export function readRouteCache(file: string, maxAgeMs: number, now = Date.now()): CachedRoute[] {
  try {
    if (now - statSync(file).mtimeMs > maxAgeMs) return [];
    const parsed = z.array(CachedRoute).safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Written whole and renamed into place: a crash mid-write leaves the previous cache, not half a file. */
export function writeRouteCache(file: string, routes: readonly CachedRoute[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(routes), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Marks the cache as kept by a live edge (with each heartbeat); a missing file is left missing. */
export function touchRouteCache(file: string, now = new Date()): void {
  try {
    utimesSync(file, now, now);
  } catch {
    // not written yet: nothing to vouch for
  }
}
