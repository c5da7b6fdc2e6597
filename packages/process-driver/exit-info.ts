// How a workload ended, decoded from a shell exit status (128 + n means "killed by signal n").
import { constants } from 'node:os';
import { type FileHandle, open } from 'node:fs/promises';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** Last non-empty line of the workload's stderr, if any. */
  lastError: string | null;
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/**
 * The wrapper shell reports `$?`, which folds "killed by signal n" into 128 + n; an app that exits
 * with such a number on purpose (rare) is reported as killed by that signal.
 */
export function decodeStatus(status: number | null): Pick<ExitInfo, 'code' | 'signal'> {
  if (status === null || !Number.isInteger(status)) return { code: null, signal: null };
  const name = status > 128 ? SIGNAL_NAMES.get(status - 128) : undefined;
  return name !== undefined ? { code: null, signal: name } : { code: status, signal: null };
}

/** Last non-empty line of a file, reading only its tail. */
export async function lastLineOf(path: string, tailBytes = 16_384): Promise<string | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const { size } = await fh.stat();
    const length = Math.min(size, tailBytes);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    const lines = buf
      .toString('utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return lines[i];
    return null;
  } finally {
    await fh.close();
  }
}
