// Where CLI output goes: plain or coloured text lines, JSON lines on stdout, messages on stderr.
import { terminalSafePainted } from './terminal-safe.js';

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Color = keyof typeof CODES;

/** Colour only for a person at a terminal: never in pipes, CI logs or when NO_COLOR is set. */
export function colorEnabled(stream: NodeJS.WriteStream = process.stdout, env = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}

export class Output {
  readonly color: boolean;
  constructor(
    readonly json: boolean,
    color = colorEnabled(),
  ) {
    this.color = color && !json;
  }

  paint(color: Color, text: string): string {
    return this.color ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text;
  }

  /** A human line on stdout; suppressed in --json mode so stdout stays machine-readable. No escape sequence but our colours. */
  line(text = ''): void {
    if (!this.json) process.stdout.write(terminalSafePainted(text) + '\n');
  }

  /** One JSON value on its own line on stdout (only in --json mode): text kept as it was, JSON-escaped. */
  event(value: unknown): void {
    if (this.json) process.stdout.write(JSON.stringify(value) + '\n');
  }

  /** Notes and warnings go to stderr, in both modes. */
  note(text: string): void {
    process.stderr.write(terminalSafePainted(text) + '\n');
  }
}

/** `2026-04-24T10:01:00.123Z` → `2026-04-24 10:01:00`; null/undefined → `-`. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}
