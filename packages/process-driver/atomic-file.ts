// Small file helpers: atomic JSON writes (tmp + rename) and tolerant reads, for state that must survive a SIGKILL.
import { readFile, rename, writeFile, stat } from 'node:fs/promises';

let counter = 0;

/** Readers see the old or the new content, never a torn write. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.${++counter}.tmp`;
  await writeFile(tmp, JSON.stringify(value));
  await rename(tmp, path);
}

/** Null when the file is missing or not JSON (a crash can leave nothing, never half a file). */
export async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
