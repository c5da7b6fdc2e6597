// Small Markdown helpers for the report: tables, numbers with units, yes/no marks.
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) =>
    `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `12 ms`, `1.2 s`; a dash for a missing value. */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (Math.abs(v) >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (Math.abs(v) >= 100) return `${Math.round(v)} ms`;
  if (v > 0 && v < 0.01) return '< 0.01 ms';
  if (Math.abs(v) < 1) return `${Math.round(v * 100) / 100} ms`;
  return `${Math.round(v * 10) / 10} ms`;
}

export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  return Math.round(v).toLocaleString('en-US');
}

export function x(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : `${v.toFixed(2)}×`;
}

export function met(v: boolean | null): string {
  return v === null ? 'not measured' : v ? '**met**' : '**missed**';
}

/** A section for a scenario that did not produce data: why not. */
export function notRun(result: { status: string; reason: string | null } | undefined): string {
  if (!result) return '_Not run yet._';
  return result.status === 'skipped' ? `_Skipped: ${result.reason}_` : `_Failed: ${result.reason}_`;
}
