// Percentiles and summaries of samples; nearest-rank percentiles, so a reported value is always one that was measured.
export interface Summary {
  n: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
}

/** Nearest-rank percentile of `values` (need not be sorted); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(values: readonly number[]): Summary {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  const n = values.length;
  return {
    n,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    min: round(n ? Math.min(...values) : null),
    max: round(n ? Math.max(...values) : null),
    mean: round(n ? values.reduce((a, b) => a + b, 0) / n : null),
  };
}

/** a / b rounded to two decimals; null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}

export const round1 = (v: number): number => Math.round(v * 10) / 10;
