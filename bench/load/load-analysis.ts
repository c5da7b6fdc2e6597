// Reads a load report against the bench's timeline: failures per replacement window, and switch latencies.
import type { FailureBucket, LoadReport, Segment } from './load.protocol.js';

export interface FailureCount {
  /** Requests that got no 2xx answer: the sum of the four kinds. */
  failed: number;
  non2xx: number;
  socket: number;
  closed: number;
  timeout: number;
  /** From the first to the last failure in the window (0 with none): how long clients saw errors. */
  outageMs: number;
  /** Counts per `kind:detail`, e.g. `socket:ECONNREFUSED`, `non2xx:502`. */
  byDetail: Record<string, number>;
}

export function emptyCount(): FailureCount {
  return { failed: 0, non2xx: 0, socket: 0, closed: 0, timeout: 0, outageMs: 0, byDetail: {} };
}

/** Failures whose time lies in [start, end). */
export function failuresBetween(failures: readonly FailureBucket[], start: number, end: number): FailureCount {
  const c = emptyCount();
  let first = Infinity;
  let last = -Infinity;
  for (const [t, kind, detail, n] of failures) {
    if (t < Math.floor(start) || t >= end) continue;
    c.failed += n;
    c[kind] += n;
    c.byDetail[`${kind}:${detail}`] = (c.byDetail[`${kind}:${detail}`] ?? 0) + n;
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  c.outageMs = c.failed > 0 ? last - first + 1 : 0;
  return c;
}

export function addCounts(a: FailureCount, b: FailureCount): FailureCount {
  const byDetail = { ...a.byDetail };
  for (const [k, n] of Object.entries(b.byDetail)) byDetail[k] = (byDetail[k] ?? 0) + n;
  return {
    failed: a.failed + b.failed,
    non2xx: a.non2xx + b.non2xx,
    socket: a.socket + b.socket,
    closed: a.closed + b.closed,
    timeout: a.timeout + b.timeout,
    outageMs: a.outageMs + b.outageMs,
    byDetail,
  };
}

export interface SwitchLatency {
  /** Route (or config) write → first 2xx answer from the new version. */
  toFirstNewMs: number | null;
  /** Route (or config) write → last 2xx answer from the old version. */
  toLastOldMs: number | null;
}

/**
 * Within the window [start, end): when the new version first answered and the old one last answered,
 * relative to `switchAt`. Limited to the window because a rollback brings back a version seen before.
 */
export function switchLatency(
  segments: readonly Segment[],
  w: { start: number; end: number; switchAt: number; from: string; to: string },
): SwitchLatency {
  let firstNew = Infinity;
  let lastOld = -Infinity;
  for (const s of segments) {
    if (s.last < w.start || s.first >= w.end) continue;
    if (s.v === w.to && s.first >= w.start) firstNew = Math.min(firstNew, s.first);
    if (s.v === w.from) lastOld = Math.max(lastOld, Math.min(s.last, w.end));
  }
  const rel = (t: number) => (Number.isFinite(t) ? Math.round((t - w.switchAt) * 100) / 100 : null);
  return { toFirstNewMs: rel(firstNew), toLastOldMs: rel(lastOld) };
}

/** Which versions answered during [start, end), with counts: evidence that a replacement really happened. */
export function versionsBetween(segments: readonly Segment[], start: number, end: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of segments) if (s.last >= start && s.first < end) out[s.v] = (out[s.v] ?? 0) + s.n;
  return out;
}

export function requestsPerSecond(report: LoadReport): number {
  return Math.round(report.ok2xx / ((report.stoppedAt - report.startedAt) / 1000));
}
