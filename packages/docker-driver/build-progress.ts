// Reads `docker build` progress events: whole output lines, the image id, and the error a failed build reports in its last event.
import { splitLongLine } from '../protocol/index.js';

export interface BuildEvent {
  stream?: string;
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

// The classic builder colours a RUN step's stderr (ESC[91m … ESC[0m); the log streams hold plain text.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** dockerode's callback reports `err = null` for a failed build: the failure is only in these events. */
export class BuildProgress {
  private partial = '';
  /** Docker's own message when the build failed; null while it has not. */
  error: string | null = null;
  imageId: string | null = null;

  /** Takes one event; returns the output lines it completes (a `stream` chunk may end mid-line). */
  push(event: BuildEvent): string[] {
    if (event.aux?.ID) this.imageId = event.aux.ID;
    const failure = event.errorDetail?.message ?? event.error;
    if (failure) {
      this.error = failure.trim();
      return [];
    }
    if (typeof event.stream === 'string') return this.text(event.stream);
    // Pull progress (never here: no registry) repeats a bar per chunk; only status changes are worth a line.
    if (typeof event.status === 'string' && event.progressDetail?.current === undefined) {
      return this.text(`${event.id ? `${event.id}: ` : ''}${event.status}\n`);
    }
    return [];
  }

  /** The unterminated rest, once the build has ended. */
  end(): string[] {
    const rest = this.partial;
    this.partial = '';
    return keep([rest]);
  }

  private text(chunk: string): string[] {
    const parts = (this.partial + chunk.replace(ANSI, '')).split('\n');
    // A build printing without newlines must not grow this buffer: its long line goes out in parts.
    const unfinished = splitLongLine(parts.pop()!);
    this.partial = unfinished.rest;
    return keep([...parts.flatMap(pieces), ...unfinished.parts]);
  }
}

/** A complete line, in parts of at most MAX_LOG_LINE characters. */
const pieces = (line: string) => {
  const { parts, rest } = splitLongLine(line);
  return [...parts, rest];
};
const keep = (lines: string[]) => lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
