// Follows one container's stdout and stderr into a callback, resuming after an agent restart without repeats or gaps.
import type Docker from 'dockerode';
import { FrameDecoder, isoTime, stampedLine, type LogStreamName, type StampedLine } from './log-frames.js';
import { LogCursor } from './log-cursor.js';
import { commitCursor, draftCursor, loadCursor } from './cursor.store.js';
import { StoredLines, type StoredLine } from './stored-lines.js';

export interface OutputLine {
  time: string;
  text: string;
}

export interface LogFollowerOptions {
  docker: Docker;
  containerId: string;
  cursorFile: string;
  /** Resolves once the lines are taken (queued for publishing). */
  onLines(stream: LogStreamName, lines: OutputLine[]): Promise<void>;
  /**
   * Resolves once every line handed to `onLines` so far is stored for good (the log publisher's flush). The cursor moves
   * only after it: a crash before then re-reads those lines (no gap); those stored anyway are caught by `storedSince`.
   */
  stored(): Promise<void>;
  /**
   * Only when resuming after an agent restart: this deployment's lines already in the log store at or after a time (all
   * when undefined). Lines stored but not yet in the cursor when the agent died are skipped instead of published twice.
   */
  storedSince?(since: string | undefined): Promise<StoredLine[]>;
  warn(message: string, error: unknown): void;
}

/** Above this many undelivered lines the HTTP stream is paused (the engine buffers, the agent does not). */
const HIGH_WATER = 5_000;

export class LogFollower {
  private readonly abort = new AbortController();
  private readonly queue: StampedLine[] = [];
  private pumping: Promise<void> | null = null;
  private stream: NodeJS.ReadableStream | null = null;
  private resolveEnded!: () => void;
  /** Resolves when the container's output has ended (it stopped, or the follower was closed) and all of it was delivered. */
  readonly ended = new Promise<void>((r) => (this.resolveEnded = r));

  private constructor(
    private readonly opts: LogFollowerOptions,
    private readonly cursor: LogCursor,
    private readonly alreadyStored: StoredLines,
  ) {}

  static async start(opts: LogFollowerOptions): Promise<LogFollower> {
    const cursor = new LogCursor(opts.containerId, await loadCursor(opts.cursorFile));
    const stored = opts.storedSince
      ? await opts.storedSince(cursor.sinceIso()).catch((e) => (opts.warn('could not read stored output', e), []))
      : [];
    const follower = new LogFollower(opts, cursor, new StoredLines(stored));
    await follower.open();
    return follower;
  }

  /** Stops following; what was read is delivered first. */
  async close(): Promise<void> {
    this.abort.abort();
    (this.stream as { destroy?: () => void } | null)?.destroy?.();
    await this.drained();
    this.resolveEnded();
  }

  private async open(): Promise<void> {
    const since = this.cursor.since();
    const stream = (await this.opts.docker.getContainer(this.opts.containerId).logs({
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      ...(since ? { since: since as unknown as number } : {}),
      abortSignal: this.abort.signal,
    })) as NodeJS.ReadableStream;
    this.stream = stream;
    const decoder = new FrameDecoder();
    stream.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        const line = stampedLine(frame);
        if (!line || !this.cursor.accept(line.stream, line.ts)) continue;
        if (this.alreadyStored.take({ stream: line.stream, time: isoTime(line.ts), text: line.text }))
          this.cursor.delivered([line]);
        else this.queue.push(line);
      }
      if (this.queue.length >= HIGH_WATER) stream.pause();
      this.pump();
    });
    let finished = false;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      if (error && !this.abort.signal.aborted)
        this.opts.warn(`log stream of container ${this.opts.containerId} broke`, error);
      void (async () => {
        this.pump();
        await this.drained();
        this.resolveEnded();
      })();
    };
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', (e) => finish(e));
  }

  private async checkpoint(): Promise<void> {
    try {
      const draft = await draftCursor(this.opts.cursorFile, this.cursor.state());
      await this.opts.stored();
      await commitCursor(draft, this.opts.cursorFile);
    } catch (error) {
      // The cursor stays behind: a resume repeats these lines rather than losing them.
      this.opts.warn(`could not save the log cursor of container ${this.opts.containerId}`, error);
    }
  }

  private async drained(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Delivers queued lines in order, one stream run at a time, then saves the cursor past them. */
  private pump(): void {
    if (this.pumping || this.queue.length === 0) return;
    this.pumping = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.queue.length);
        for (const run of runsOf(batch)) {
          try {
            await this.opts.onLines(
              run[0]!.stream,
              run.map((l) => ({ time: isoTime(l.ts), text: l.text })),
            );
          } catch (error) {
            this.opts.warn(`could not deliver output of container ${this.opts.containerId}`, error);
          }
          this.cursor.delivered(run);
        }
        await this.checkpoint();
        if (this.queue.length < HIGH_WATER) this.stream?.resume();
      }
    })().finally(() => {
      this.pumping = null;
      // Lines that arrived while the last save ran.
      if (this.queue.length > 0) this.pump();
    });
  }
}

/** Consecutive lines of one stream, in order. */
function runsOf(lines: StampedLine[]): StampedLine[][] {
  const runs: StampedLine[][] = [];
  for (const l of lines) {
    const last = runs.at(-1);
    if (last && last[0]!.stream === l.stream) last.push(l);
    else runs.push([l]);
  }
  return runs;
}
