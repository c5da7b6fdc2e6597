// What a readiness probe is pointed at, and what one attempt reports.
import type { ReadinessAttempt } from '../protocol/index.js';
import { errorText } from '../protocol/index.js';

export interface ProbeTarget {
  host: string;
  /** Null for a workload without a port: http and tcp probes then fail with a clear detail. */
  port: number | null;
  /** Working directory and environment of a command probe (the release dir and the workload's variables). */
  cwd?: string;
  env?: Record<string, string>;
  /** A command probe runs as this user (the workload's), not as the agent's. */
  user?: { uid: number; gid: number };
}

export type ProbeAttempt = ReadinessAttempt;

/** The verdict of one attempt, before timing is added. */
export interface ProbeVerdict {
  ok: boolean;
  detail: string;
}

export type ProbeOutcome = 'passed' | 'timed_out' | 'aborted';

/** `connect ECONNREFUSED` rather than Node's `connect ECONNREFUSED 127.0.0.1:4000`: the target is already named. */
export function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { syscall?: string };
  if (e?.syscall && e.code) return `${e.syscall} ${e.code}`;
  if (e?.code) return e.code;
  return errorText(error);
}
