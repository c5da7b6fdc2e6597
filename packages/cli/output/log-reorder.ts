// `logs --follow` holds each line briefly and releases them in time order: a deployment's streams reach the log stream at different delays.
import { timeKey, type LogLine } from '../../protocol/index.js';

/**
 * How long a followed line waits for earlier ones from another stream: platform events are published at once,
 * stdout/stderr after the agent's 50 ms batching, so a build's last line can arrive after `build complete`.
 */
export const FOLLOW_HOLD_MS = 250;
const TICK_MS = 50;

interface Held {
  key: number;
  arrived: number;
  n: number;
  line: LogLine;
}

export class LogReorder {
  private held: Held[] = [];
  private n = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly print: (line: LogLine) => void,
    private readonly holdMs = FOLLOW_HOLD_MS,
    private readonly now = () => Date.now(),
  ) {}

  push(line: LogLine): void {
    this.held.push({ key: timeKey(line.time), arrived: this.now(), n: this.n++, line });
    this.timer ??= setInterval(() => this.release(), TICK_MS);
  }

  /**
   * Prints every line whose hold is over, and with it every held line that happened before it; the rest wait.
   * A line is never held much longer than `holdMs`, and lines seen within `holdMs` of each other print in time order.
   */
  release(all = false): void {
    const now = this.now();
    const order = (a: Held, b: Held) => a.key - b.key || a.n - b.n;
    let cutoff = -Infinity;
    for (const h of this.held) if (all || now - h.arrived >= this.holdMs) cutoff = Math.max(cutoff, h.key);
    if (cutoff === -Infinity) return;
    const due = this.held.filter((h) => h.key <= cutoff).sort(order);
    this.held = this.held.filter((h) => h.key > cutoff);
    for (const h of due) this.print(h.line);
    if (this.held.length === 0 && this.timer) clearInterval(this.timer), (this.timer = null);
  }

  /** Prints everything still held (the follow ended). */
  flush(): void {
    this.release(true);
  }
}
