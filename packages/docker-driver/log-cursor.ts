// Where a log follower resumes after an agent restart: Docker's `since` plus the keys of the lines it already delivered.
import { nanosOf, type LogStreamName } from './log-frames.js';

export interface CursorState {
  containerId: string;
  /** `<ts> <stream>` of lines already delivered, newest within RESUME_WINDOW_NS of the newest. */
  recent: string[];
}

/** Lines reordered by more than this across stdout/stderr may be lost on a resume (Docker's copiers differ by µs). */
export const RESUME_WINDOW_NS = 500_000_000n;
/** Bounds the saved state under heavy logging; `since` moves up with the oldest key kept. */
export const MAX_REMEMBERED = 2000;

const keyOf = (stream: LogStreamName, ts: string) => `${ts} ${stream}`;
const tsOf = (key: string) => key.slice(0, key.indexOf(' '));

/**
 * Docker's `since` is inclusive, and stdout/stderr lines can reach the log file slightly out of time order (two copiers),
 * so `since` goes back to the oldest recently delivered line and those lines' keys are skipped once on replay.
 */
export class LogCursor {
  private readonly replay: Set<string>;
  private recent: string[];

  constructor(
    readonly containerId: string,
    saved: CursorState | null,
  ) {
    const same = saved !== null && saved.containerId === containerId;
    this.recent = same ? [...saved.recent] : [];
    this.replay = new Set(this.recent);
  }

  /** Docker's `since` ("seconds.nanoseconds"), or undefined to read the container's output from its start. */
  since(): string | undefined {
    const oldest = this.recent
      .map(tsOf)
      .map(nanosOf)
      .filter((n): n is bigint => n !== null)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0];
    if (oldest === undefined) return undefined;
    return `${oldest / 1_000_000_000n}.${String(oldest % 1_000_000_000n).padStart(9, '0')}`;
  }

  /** The `since` as an ISO time to the millisecond (what published lines carry), or undefined from the start. */
  sinceIso(): string | undefined {
    const since = this.since();
    if (since === undefined) return undefined;
    return new Date(
      Number(since.split('.')[0]) * 1000 + Math.floor(Number(since.split('.')[1]) / 1_000_000),
    ).toISOString();
  }

  /** False for a line a previous follower already delivered (each remembered key is skipped once). */
  accept(stream: LogStreamName, ts: string): boolean {
    const key = keyOf(stream, ts);
    if (!this.replay.has(key)) return true;
    this.replay.delete(key);
    return false;
  }

  delivered(lines: ReadonlyArray<{ stream: LogStreamName; ts: string }>): void {
    for (const l of lines) this.recent.push(keyOf(l.stream, l.ts));
    this.recent = prune(this.recent);
  }

  state(): CursorState {
    return { containerId: this.containerId, recent: [...this.recent] };
  }
}

/** Keeps keys within the window of the newest, at most MAX_REMEMBERED of them, oldest first. */
function prune(keys: string[]): string[] {
  const timed = keys
    .map((k) => ({ k, n: nanosOf(tsOf(k)) }))
    .filter((x): x is { k: string; n: bigint } => x.n !== null);
  if (timed.length === 0) return [];
  timed.sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  const newest = timed[timed.length - 1]!.n;
  return timed
    .filter((x) => x.n >= newest - RESUME_WINDOW_NS)
    .slice(-MAX_REMEMBERED)
    .map((x) => x.k);
}
