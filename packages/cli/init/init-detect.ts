// What `compartment init` learns from a directory: a Dockerfile (and its EXPOSE), or package.json's scripts and lockfile.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { NAME_PATTERN } from '../../protocol/index.js';

export type Detected =
  | { kind: 'docker'; name: string; port: number | null }
  | { kind: 'node'; name: string; start: string; hasBuild: boolean; hasDependencies: boolean; lockfile: boolean };

/** package.json is read to learn scripts; one larger than this is not a project manifest. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/** A service name from a directory or package name: lowercase, `-` for anything else, starting with a letter. */
export function serviceName(raw: string): string {
  const name = raw
    .replace(/^@[^/]*\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return NAME_PATTERN.test(name) ? name : 'app';
}

/** The first `EXPOSE` port of a Dockerfile, if it names a number. */
export function exposedPort(dockerfile: string): number | null {
  const m = /^\s*EXPOSE\s+(\d{1,5})/im.exec(dockerfile);
  const port = m ? Number(m[1]) : NaN;
  return port >= 1 && port <= 65535 ? port : null;
}

function readManifest(
  dir: string,
): { name?: unknown; scripts?: Record<string, unknown>; dependencies?: Record<string, unknown> } | null {
  const path = join(dir, 'package.json');
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_MANIFEST_BYTES) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as ReturnType<typeof readManifest>) : null;
  } catch {
    return null;
  }
}

/** A Dockerfile wins (the app says how it is built and run); else a package.json with a start script; else null. */
export function detect(dir: string): Detected | null {
  const fallback = serviceName(basename(dir));
  if (existsSync(join(dir, 'Dockerfile'))) {
    return { kind: 'docker', name: fallback, port: exposedPort(readFileSync(join(dir, 'Dockerfile'), 'utf8')) };
  }
  const manifest = readManifest(dir);
  const start = manifest?.scripts?.start;
  if (!manifest || typeof start !== 'string' || start.trim() === '') return null;
  return {
    kind: 'node',
    name: typeof manifest.name === 'string' ? serviceName(manifest.name) : fallback,
    start: start.trim(),
    hasBuild: typeof manifest.scripts?.build === 'string',
    hasDependencies: Object.keys(manifest.dependencies ?? {}).length > 0,
    lockfile: existsSync(join(dir, 'package-lock.json')),
  };
}
