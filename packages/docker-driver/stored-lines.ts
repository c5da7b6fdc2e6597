// Lines already in the log store after the cursor (stored, then the agent died before saving it): a resumed follower skips them.
import type { LogStreamName } from './log-frames.js';

export interface StoredLine {
  stream: LogStreamName;
  /** The time the line was published with (Docker's, to the millisecond). */
  time: string;
  text: string;
}

const keyOf = (l: StoredLine) => `${l.stream}\u0000${l.time}\u0000${l.text}`;

/** A multiset: each stored copy excuses one replayed line, so a genuinely repeated line is not lost. */
export class StoredLines {
  private readonly counts = new Map<string, number>();

  constructor(lines: readonly StoredLine[] = []) {
    for (const l of lines) this.counts.set(keyOf(l), (this.counts.get(keyOf(l)) ?? 0) + 1);
  }

  /** True when this line is already stored (and uses up that copy). */
  take(line: StoredLine): boolean {
    const key = keyOf(line);
    const n = this.counts.get(key) ?? 0;
    if (n === 0) return false;
    if (n === 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
    return true;
  }
}
