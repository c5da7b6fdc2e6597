// `compartment logs` lines as `docker compose logs` prints them: a service/deployment column when several can appear, colours at a terminal.
import { formatLogLine, type LogLine } from '../../protocol/index.js';
import type { Color, Output } from './terminal-output.js';
import { terminalSafe } from './terminal-safe.js';

/** Services get these in the order they first appear (red is kept for stderr). */
const SERVICE_COLORS: Color[] = ['cyan', 'yellow', 'green', 'magenta', 'blue'];
const STREAM_COLORS: Partial<Record<LogLine['stream'], Color>> = { compartment: 'dim', stderr: 'red' };
/** Deployment ids start with their creation time; the end is the random part that tells two apart. */
const SHORT_ID = 6;

export const shortId = (id: string) => id.slice(-SHORT_ID);
const columnOf = (line: Pick<LogLine, 'serviceName' | 'deploymentId'>) =>
  `${line.serviceName}/${shortId(line.deploymentId)}`;

export class LogColumns {
  private width = 0;
  private readonly colors = new Map<string, Color>();

  /** `column`: lines of several services, so each says whose it is (no column with --service: the spec's format). */
  constructor(
    private readonly out: Output,
    private readonly column: boolean,
  ) {}

  /** Widens the column to fit these lines (all of a non-following read at once, so it never shifts). */
  fit(lines: readonly LogLine[]): void {
    for (const l of lines) this.width = Math.max(this.width, columnOf(l).length);
  }

  /** One printable line: the workload's text made terminal-safe, our colours only when `out` paints. */
  format(line: LogLine): string {
    const stream = STREAM_COLORS[line.stream];
    const spec = formatLogLine({ ...line, text: terminalSafe(line.text) });
    // The spec's line is `time [stream] text`: only the `[stream]` tag is painted, the text stays as written.
    const at = spec.indexOf(' [') + 1;
    const tagEnd = spec.indexOf(']', at) + 1;
    const body = stream
      ? spec.slice(0, at) + this.out.paint(stream, spec.slice(at, tagEnd)) + spec.slice(tagEnd)
      : spec;
    if (!this.column) return body;
    this.fit([line]);
    const name = columnOf(line).padEnd(this.width);
    return `${this.out.paint(this.colorOf(line.serviceName), name)} | ${body}`;
  }

  private colorOf(service: string): Color {
    let color = this.colors.get(service);
    if (!color) {
      color = SERVICE_COLORS[this.colors.size % SERVICE_COLORS.length]!;
      this.colors.set(service, color);
    }
    return color;
  }
}
