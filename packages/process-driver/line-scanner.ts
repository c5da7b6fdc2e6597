// Cuts a buffer read from a log file into lines with their end offsets; an unfinished last line stays unread.
export interface ScannedLine {
  text: string;
  /** Offset just past this line (and its newline) within the buffer. */
  end: number;
}

export interface ScanOptions {
  /** Longer lines are cut here (at a UTF-8 boundary) so that a line without newline cannot grow memory. */
  maxLineBytes: number;
  /** Take the unfinished last line too (the writer is done, or has been silent for long). */
  takePartial: boolean;
}

export function scanLines(buf: Buffer, opts: ScanOptions): { lines: ScannedLine[]; consumed: number } {
  const lines: ScannedLine[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    const lineEnd = nl === -1 ? buf.length : nl;
    if (lineEnd - pos > opts.maxLineBytes) {
      const cut = utf8Boundary(buf, pos, pos + opts.maxLineBytes);
      lines.push({ text: buf.toString('utf8', pos, cut), end: cut });
      pos = cut;
      continue;
    }
    if (nl === -1) {
      if (!opts.takePartial) break;
      lines.push({ text: text(buf, pos, buf.length), end: buf.length });
      pos = buf.length;
      break;
    }
    lines.push({ text: text(buf, pos, nl), end: nl + 1 });
    pos = nl + 1;
  }
  return { lines, consumed: pos };
}

function text(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, end > start && buf[end - 1] === 13 ? end - 1 : end);
}

/** Steps back from `at` while it points inside a multi-byte character. */
function utf8Boundary(buf: Buffer, start: number, at: number): number {
  let i = at;
  while (i > start + 1 && (buf[i] & 0xc0) === 0x80) i--;
  return i;
}
