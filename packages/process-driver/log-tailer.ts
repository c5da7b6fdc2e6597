// Follows an append-only log file from a persisted offset and emits its lines in batches; truncates it once large and fully read.
import { open, type FileHandle } from 'node:fs/promises';
import type { FSWatcher } from 'node:fs';
import { watch as watchFile } from 'node:fs';
import { MAX_LOG_LINE, logTime } from '../protocol/index.js';
import { scanLines } from './line-scanner.js';
import { hashBefore, loadTailState, restart, saveTailState, type TailState } from './tail-state.store.js';

export interface TailLine {
  /** When the tailer read it: the file holds no times, so lines written while no agent ran get the read time. */
  time: string;
  text: string;
}

export interface TailBatch {
  /** `generation:offset` of the first line: stable across restarts, for dropping a re-sent batch. */
  id: string;
  lines: TailLine[];
}

export interface LogTailerOptions {
  file: string;
  /** Where the position is persisted; default `<file>.offset.json`. */
  stateFile?: string;
  /** Awaited before the position moves past the batch: a crash mid-batch re-sends it (same id). */
  onBatch: (batch: TailBatch) => void | Promise<void>;
  onError?: (error: unknown) => void;
  maxBatchLines?: number;
  maxBatchBytes?: number;
  pollMs?: number;
  /** Truncate the file once it is fully read and at least this large. */
  rotateBytes?: number;
  partialFlushMs?: number;
  maxLineBytes?: number;
  readBytes?: number;
}

type Options = Required<Omit<LogTailerOptions, 'stateFile' | 'onError'>> &
  Pick<LogTailerOptions, 'onError'> & { stateFile: string };

export class LogTailer {
  private readonly o: Options;
  private fh: FileHandle | null = null;
  private state: TailState | null = null;
  private buf: Buffer;
  /** Passes run one after another; `queued` coalesces the wake-ups that arrive meanwhile. */
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | null = null;
  /** Where an unfinished last line was first seen, and when. */
  private partial: { offset: number; since: number } | null = null;

  constructor(opts: LogTailerOptions) {
    this.o = {
      stateFile: `${opts.file}.offset.json`,
      maxBatchLines: 1000,
      maxBatchBytes: 256 * 1024,
      pollMs: 250,
      rotateBytes: 64 * 1024 * 1024,
      partialFlushMs: 1000,
      maxLineBytes: MAX_LOG_LINE,
      readBytes: 1024 * 1024,
      ...opts,
    };
    this.buf = Buffer.alloc(this.o.readBytes);
  }

  /** Begins following; returns once the first pass over what is already there has been emitted. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.kick(false), this.o.pollMs);
    this.timer.unref();
    await this.kick(false);
  }

  /** Reads to the end now, the unfinished last line included (for a workload that has exited). */
  flush(): Promise<void> {
    return this.kick(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.watcher?.close();
    await this.chain;
    await this.fh?.close();
    this.fh = null;
  }

  private kick(flushPartial: boolean): Promise<void> {
    if (this.closed || (this.queued && !flushPartial)) return this.chain;
    this.queued = true;
    this.chain = this.chain.then(async () => {
      this.queued = false;
      if (!this.closed) await this.guard(this.pump(flushPartial));
    });
    return this.chain;
  }

  private async guard(p: Promise<void>): Promise<void> {
    try {
      await p;
    } catch (error) {
      this.o.onError?.(error);
    }
  }

  private async ready(): Promise<boolean> {
    if (this.fh !== null) return true;
    try {
      this.fh = await open(this.o.file, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    this.state = await loadTailState(this.o.stateFile, this.fh);
    // inotify wakes us at once on a write; the poll timer is the fallback.
    this.watcher = watchFile(this.o.file, { persistent: false }, () => void this.kick(false));
    this.watcher.on('error', () => undefined);
    return true;
  }

  private async pump(flushPartial: boolean): Promise<void> {
    while (!this.closed && (await this.ready())) {
      const fh = this.fh!;
      let state = this.state!;
      const { size } = await fh.stat();
      if (size < state.offset) state = await this.save(restart(state)); // truncated by someone else
      if (size === state.offset) return void (await this.maybeRotate(fh, size));
      const want = Math.min(size - state.offset, this.buf.length);
      const { bytesRead } = await fh.read(this.buf, 0, want, state.offset);
      if (bytesRead === 0) return;
      const atEnd = bytesRead === size - state.offset;
      const takePartial = atEnd && (flushPartial || this.partialIsStale(state.offset));
      const { lines, consumed } = scanLines(this.buf.subarray(0, bytesRead), {
        maxLineBytes: this.o.maxLineBytes,
        takePartial,
      });
      if (consumed === 0) return; // only an unfinished line so far
      this.partial = null;
      await this.emit(state, lines);
    }
  }

  private partialIsStale(offset: number): boolean {
    const now = Date.now();
    if (this.partial?.offset !== offset) this.partial = { offset, since: now };
    return now - this.partial.since >= this.o.partialFlushMs;
  }

  /** Emits lines in batches; the position is saved after each batch has been taken. */
  private async emit(state: TailState, lines: { text: string; end: number }[]): Promise<void> {
    const time = logTime();
    const base = state.offset;
    let start = 0;
    while (start < lines.length) {
      let end = start;
      let bytes = 0;
      while (
        end < lines.length &&
        end - start < this.o.maxBatchLines &&
        (end === start || bytes < this.o.maxBatchBytes)
      ) {
        bytes += lines[end].end - (end === 0 ? 0 : lines[end - 1].end);
        end++;
      }
      const first = start === 0 ? base : base + lines[start - 1].end;
      await this.o.onBatch({
        id: `${state.generation}:${first}`,
        lines: lines.slice(start, end).map((l) => ({ time, text: l.text })),
      });
      state = await this.save({ ...state, offset: base + lines[end - 1].end });
      start = end;
    }
  }

  /**
   * Truncates in place: the app holds the file open with O_APPEND, so its next write lands at the new
   * end. Race: bytes written between the last size check and ftruncate (one syscall apart) are lost.
   */
  private async maybeRotate(fh: FileHandle, size: number): Promise<void> {
    if (size < this.o.rotateBytes) return;
    let state = await this.save({ ...this.state!, truncating: { at: size, tailHash: await hashBefore(fh, size) } });
    if ((await fh.stat()).size !== size) {
      await this.save({ ...state, truncating: null });
      void this.kick(false);
      return;
    }
    await fh.truncate(0);
    state = await this.save(restart(state));
  }

  private async save(state: TailState): Promise<TailState> {
    this.state = state;
    await saveTailState(this.o.stateFile, state);
    return state;
  }
}
