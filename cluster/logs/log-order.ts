// Pure helpers of the log reader: expand stored batches, keep lines at/after `since`, order by time, take the tail.
import {
  LogBatch,
  NAME_PATTERN,
  DEPLOYMENT_ID_PATTERN,
  CompartmentError,
  subjects,
  timeKey,
  type LogLine,
  type LogStream,
} from '../../packages/protocol/index.js';

export interface LogFilter {
  env?: string;
  service?: string;
  deploymentId?: string;
  stream?: LogStream;
}

/** One stored message: its stream sequence and the batch it carries. */
export interface StoredBatch {
  seq: number;
  batch: LogBatch;
}

/** The subject filter for `filter`; every token is validated so a name can never smuggle in a wildcard. */
export function logSubjectOf(filter: LogFilter): string {
  const bad = (field: string, value: string) =>
    new CompartmentError('INVALID_ARGUMENT', `invalid ${field} ${JSON.stringify(value)}`, field);
  if (filter.env !== undefined && !NAME_PATTERN.test(filter.env)) throw bad('env', filter.env);
  if (filter.service !== undefined && !NAME_PATTERN.test(filter.service)) throw bad('service', filter.service);
  if (filter.deploymentId !== undefined && !DEPLOYMENT_ID_PATTERN.test(filter.deploymentId))
    throw bad('deploymentId', filter.deploymentId);
  if (filter.stream !== undefined && !['compartment', 'stdout', 'stderr'].includes(filter.stream))
    throw bad('stream', filter.stream);
  return subjects.logFilter(filter);
}

/** Parses a stored payload; a message that is not a LogBatch is skipped, never fatal. */
export function parseBatch(data: Uint8Array): LogBatch | null {
  try {
    const parsed = LogBatch.safeParse(JSON.parse(new TextDecoder().decode(data)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Time of a line in ms; ISO strings with and without fractions do not compare as strings. */
export const timeOf = (iso: string) => Date.parse(iso);

/**
 * The last `tail` lines at or after `sinceMs`, oldest first. Lines are ordered by their own time, to the
 * microsecond (logTime: strictly increasing per agent, so one deployment's lines on different streams never
 * tie); equal times keep stream order (sequence, then position in the batch), so one batch's lines never swap.
 */
export function selectTail(batches: readonly StoredBatch[], tail: number, sinceMs: number | null): LogLine[] {
  const lines: Array<{ t: number; seq: number; i: number; line: LogLine }> = [];
  for (const { seq, batch } of batches) {
    const { lines: raw, ...meta } = batch;
    raw.forEach((l, i) => {
      const t = timeKey(l.time);
      if (sinceMs === null || t >= sinceMs * 1000)
        lines.push({ t, seq, i, line: { ...meta, time: l.time, text: l.text } });
    });
  }
  lines.sort((a, b) => a.t - b.t || a.seq - b.seq || a.i - b.i);
  return (tail >= lines.length ? lines : lines.slice(lines.length - tail)).map((x) => x.line);
}

/** How many lines (at or after `sinceMs`) these batches hold. */
export function countLines(batches: readonly StoredBatch[], sinceMs: number | null): number {
  let n = 0;
  for (const { batch } of batches) {
    if (sinceMs === null) n += batch.lines.length;
    else for (const l of batch.lines) if (timeOf(l.time) >= sinceMs) n++;
  }
  return n;
}
