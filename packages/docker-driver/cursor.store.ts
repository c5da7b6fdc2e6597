// A log follower's resume state on disk: written as a draft, then renamed into place, so a crash leaves the old one or the new one.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CursorState } from './log-cursor.js';

export async function loadCursor(file: string): Promise<CursorState | null> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<CursorState>;
    if (typeof value.containerId !== 'string' || !Array.isArray(value.recent)) return null;
    return { containerId: value.containerId, recent: value.recent.filter((k): k is string => typeof k === 'string') };
  } catch {
    // Missing or torn: read the container's output from its start (a few repeats beat a gap).
    return null;
  }
}

/** Writes the state beside the cursor file; `commitCursor` makes it the cursor (a rename: the crash window is one syscall). */
export async function draftCursor(file: string, state: CursorState): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  const draft = `${file}.${process.pid}.draft`;
  await writeFile(draft, JSON.stringify(state));
  return draft;
}

export async function commitCursor(draft: string, file: string): Promise<void> {
  await rename(draft, file);
}

export async function saveCursor(file: string, state: CursorState): Promise<void> {
  await commitCursor(await draftCursor(file, state), file);
}

export async function removeCursor(file: string): Promise<void> {
  await rm(file, { force: true });
}
