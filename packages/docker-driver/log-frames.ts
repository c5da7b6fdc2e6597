// Docker's multiplexed log stream (8-byte frame headers) split into stdout/stderr messages, and the timestamps in front of them.

export type LogStreamName = 'stdout' | 'stderr';

export interface LogFrame {
  stream: LogStreamName;
  text: string;
}

export interface StampedLine {
  stream: LogStreamName;
  /** Docker's RFC 3339 time with nanoseconds, as it sent it. */
  ts: string;
  text: string;
}

const HEADER = 8;

/** Frame header: byte 0 is the stream (1 stdout, 2 stderr), bytes 4-7 the payload size, big-endian. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): LogFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: LogFrame[] = [];
    let at = 0;
    while (this.buffer.length - at >= HEADER) {
      const size = this.buffer.readUInt32BE(at + 4);
      if (this.buffer.length - at < HEADER + size) break;
      const stream = this.buffer[at] === 2 ? 'stderr' : 'stdout';
      frames.push({ stream, text: this.buffer.toString('utf8', at + HEADER, at + HEADER + size) });
      at += HEADER + size;
    }
    this.buffer = this.buffer.subarray(at);
    return frames;
  }

  /** Bytes of a frame that has not fully arrived. */
  get pending(): number {
    return this.buffer.length;
  }
}

/** A frame of `logs?timestamps=1`: "<time> <text>\n"; a line longer than Docker's 16 KiB buffer arrives in parts, each stamped. */
export function stampedLine(frame: LogFrame): StampedLine | null {
  const space = frame.text.indexOf(' ');
  if (space <= 0) return null;
  const ts = frame.text.slice(0, space);
  if (!/^\d{4}-\d\d-\d\dT/.test(ts)) return null;
  return { stream: frame.stream, ts, text: frame.text.slice(space + 1).replace(/\r?\n$/, '') };
}

/** Docker's nanosecond time as an ISO time with milliseconds (what log lines carry). */
export function isoTime(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  const parsed = Date.parse(ts);
  return Number.isNaN(parsed) ? new Date().toISOString() : new Date(parsed).toISOString();
}

/** Nanoseconds since the epoch, or null for a time that is not RFC 3339 in UTC. */
export function nanosOf(ts: string): bigint | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (!m) return null;
  const seconds = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(seconds)) return null;
  return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** The last non-empty stderr line of a non-follow `logs` answer (a Buffer of frames). */
export function lastErrorLine(buffer: Buffer): string | null {
  const lines = new FrameDecoder()
    .push(buffer)
    .filter((f) => f.stream === 'stderr')
    .flatMap((f) => f.text.split('\n'))
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? null;
}
