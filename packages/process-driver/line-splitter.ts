// Turns a stream of byte chunks into text lines as they arrive, holding back an unfinished last line.
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';

  constructor(private readonly onLine: (text: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    for (const part of parts) this.onLine(stripCr(part));
  }

  /** Emits the unfinished last line, if any (call once the stream ended). */
  flush(): void {
    const text = this.rest + this.decoder.end();
    this.rest = '';
    if (text !== '') this.onLine(stripCr(text));
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
