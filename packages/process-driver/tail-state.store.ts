// The log tailer's persisted position (offset + generation), and how a truncation cut short by a crash is resolved.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { readJson, writeJsonAtomic } from './atomic-file.js';

export interface TailState {
  /** Bytes of the file already emitted (always just after a newline, or after a forced cut). */
  offset: number;
  /** Counts truncations: with the offset it names a position in the log's whole history. */
  generation: number;
  /** Set just before truncating; a crash between intent and truncate is resolved at the next load. */
  truncating: { at: number; tailHash: string } | null;
}

const FRESH: TailState = { offset: 0, generation: 0, truncating: null };
const HASH_BYTES = 256;

export const saveTailState = (file: string, state: TailState) => writeJsonAtomic(file, state);

/**
 * Loads the state and squares it with the file as it is now. After an interrupted truncation, the
 * bytes just before the old offset tell whether the file still holds the old content (truncate never
 * happened) or new content (it did, and the app wrote again): a hash collision is the residual risk.
 */
export async function loadTailState(file: string, fh: FileHandle): Promise<TailState> {
  const saved = (await readJson<TailState>(file)) ?? FRESH;
  const { size } = await fh.stat();
  let state = { ...FRESH, ...saved };
  if (state.truncating !== null) {
    const { at, tailHash } = state.truncating;
    const untouched = size >= at && (await hashBefore(fh, at)) === tailHash;
    state = untouched ? { offset: at, generation: state.generation, truncating: null } : restart(state);
  } else if (size < state.offset) {
    state = restart(state);
  }
  if (JSON.stringify(state) !== JSON.stringify(saved)) await saveTailState(file, state);
  return state;
}

export const restart = (s: TailState): TailState => ({ offset: 0, generation: s.generation + 1, truncating: null });

export async function hashBefore(fh: FileHandle, at: number): Promise<string> {
  const start = Math.max(0, at - HASH_BYTES);
  const buf = Buffer.alloc(at - start);
  const { bytesRead } = await fh.read(buf, 0, buf.length, start);
  return createHash('sha1').update(buf.subarray(0, bytesRead)).digest('hex');
}
