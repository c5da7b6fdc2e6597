// Turns a stream of byte chunks into text lines as they arrive, holding back an unfinished last line.
import { StringDecoder } from 'node:string_decoder';
import { MAX_LOG_LINE, splitLongLine } from '../protocol/index.js';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(
    private readonly onLine: (text: string) => void,
    /** A line without a newline yet is emitted in parts of this size: output with no newline cannot grow memory. */
    private readonly maxLine = MAX_LOG_LINE,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    const unfinished = splitLongLine(lines.pop() ?? '', this.maxLine);
    for (const line of lines) this.emit(stripCr(line));
    for (const part of unfinished.parts) this.onLine(part);
    this.rest = unfinished.rest;
  }

  /** Emits the unfinished last line, if any (call once the stream ended). */
  flush(): void {
    const text = this.rest + this.decoder.end();
    this.rest = '';
    if (text !== '') this.emit(stripCr(text));
  }

  private emit(line: string): void {
    const { parts, rest } = splitLongLine(line, this.maxLine);
    for (const part of parts) this.onLine(part);
    this.onLine(rest);
  }
}

const stripCr = (s: string) => (s.endsWith('\r') ? s.slice(0, -1) : s);

/** Keeps the last `size` non-empty lines: enough to say why a process failed. */
export class LastLines {
  private readonly lines: string[] = [];
  constructor(private readonly size: number) {}

  add(line: string): void {
    if (line.trim() === '') return;
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  get all(): string[] {
    return [...this.lines];
  }
}
