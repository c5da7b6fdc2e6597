// The terminal's live deploy view: one line per deployment (stage, elapsed time, readiness, URL or failure), redrawn in place.
import type { DeploymentRecord } from '../../protocol/index.js';
import type { Color } from '../output/terminal-output.js';
import { terminalSafe } from '../output/terminal-safe.js';

export interface LiveRow {
  record: DeploymentRecord | null;
  id: string;
  serviceName: string;
  /** Local clock (ms): when we started following it, and when we first saw it finished. */
  startedAt: number;
  endedAt: number | null;
  gone: boolean;
}

type Paint = (color: Color, text: string) => string;

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const STAGE_WIDTH = 'checking_readiness'.length;

export function elapsedText(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
}

/** What the last column says, safe for the terminal: it is written there as it is, between our cursor moves. */
function detailOf(row: LiveRow): { text: string; color: Color | null } {
  const { text, color } = rawDetailOf(row);
  return { text: terminalSafe(text), color };
}

/** The failure, the URL, or how readiness is going. */
function rawDetailOf(row: LiveRow): { text: string; color: Color | null } {
  const r = row.record;
  if (row.gone) return { text: 'deleted from the cluster', color: 'red' };
  if (!r) return { text: '', color: null };
  if (r.status === 'failed') return { text: `failed: ${r.failureMessage ?? 'no reason given'}`, color: 'red' };
  if (r.status === 'succeeded')
    return { text: r.routeUrl ?? 'succeeded (no route: not a web or api service)', color: 'green' };
  const { attempts, recent } = r.readiness;
  if (attempts > 0) {
    const last = recent[recent.length - 1];
    return {
      text: `readiness: ${attempts} attempt${attempts === 1 ? '' : 's'}${last ? `, last ${last.detail}` : ''}`,
      color: null,
    };
  }
  return { text: r.status === 'queued' ? 'waiting for a build slot' : '', color: 'dim' };
}

/** Cuts plain text to `width` visible characters (an ellipsis marks the cut). */
export function fit(text: string, width: number): string {
  const chars = [...text];
  if (width <= 0) return '';
  return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

/** One line per row, each at most `columns - 1` visible characters so the terminal never wraps it. */
export function renderRows(rows: readonly LiveRow[], now: number, columns: number, paint: Paint, frame = 0): string[] {
  const nameWidth = Math.max(0, ...rows.map((r) => r.serviceName.length));
  return rows.map((row) => {
    const r = row.record;
    const status = row.gone ? 'failed' : (r?.status ?? 'queued');
    const mark =
      status === 'succeeded'
        ? paint('green', '✓')
        : status === 'failed'
          ? paint('red', '✗')
          : paint('cyan', SPINNER[frame % SPINNER.length]!);
    const stage = (r?.promotionStage ?? 'building').padEnd(STAGE_WIDTH);
    const elapsed = elapsedText((row.endedAt ?? now) - row.startedAt).padStart(7);
    const fixed = `x ${row.serviceName.padEnd(nameWidth)}  ${row.id}  ${stage}  ${elapsed}  `;
    const detail = detailOf(row);
    const room = Math.max(0, columns - 1 - [...fixed].length);
    const text = fit(detail.text, room);
    return [
      mark,
      ' ',
      paint('bold', row.serviceName.padEnd(nameWidth)),
      '  ',
      paint('dim', row.id),
      '  ',
      status === 'queued' ? paint('dim', stage) : stage,
      '  ',
      elapsed,
      '  ',
      detail.color && text ? paint(detail.color, text) : text,
    ]
      .join('')
      .trimEnd();
  });
}

/** Redraws the rows in place: up to the first row, clear each line, write it again. */
export class LiveView {
  private readonly rows = new Map<string, LiveRow>();
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly paint: Paint,
    private readonly now: () => number = Date.now,
  ) {}

  set(record: DeploymentRecord): void {
    const row = this.rowOf(record.id, record.serviceName);
    row.record = record;
    if ((record.status === 'succeeded' || record.status === 'failed') && row.endedAt === null) row.endedAt = this.now();
    this.ensureTicking();
    this.draw();
  }

  gone(id: string, serviceName: string): void {
    const row = this.rowOf(id, serviceName);
    row.gone = true;
    row.endedAt ??= this.now();
    this.draw();
  }

  /** Draws the final state and stops redrawing; what is on screen stays. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.draw();
  }

  private rowOf(id: string, serviceName: string): LiveRow {
    let row = this.rows.get(id);
    if (!row) {
      row = { record: null, id, serviceName, startedAt: this.now(), endedAt: null, gone: false };
      this.rows.set(id, row);
    }
    return row;
  }

  private ensureTicking(): void {
    // Spinner and elapsed time move on their own; unref'd so a finished command never waits for it.
    this.timer ??= setInterval(() => {
      this.frame += 1;
      this.draw();
    }, 100);
    this.timer.unref();
  }

  private draw(): void {
    const lines = renderRows([...this.rows.values()], this.now(), this.stream.columns || 100, this.paint, this.frame);
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    this.stream.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    this.drawn = lines.length;
  }
}
