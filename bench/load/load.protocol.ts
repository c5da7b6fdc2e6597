// What the bench and its load process say to each other, and the report one load run returns.
export interface LoadOptions {
  url: string;
  /** Keep-alive connections, each with one request in flight at a time (no pipelining). */
  connections: number;
  /** A request with no answer after this long counts as a timeout. */
  timeoutS: number;
  /** HTTPS by host name through 127.0.0.1: the TLS server name and the Host header (the name, with the port). */
  servername?: string;
  host?: string;
}

export const FAILURE_KINDS = ['non2xx', 'socket', 'closed', 'timeout'] as const;
/**
 * non2xx: an answer that is not 2xx; socket: a connection error (reset, refused) with a request on it;
 * closed: the server closed the connection while a request was waiting on it; timeout: no answer in time.
 */
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Failures of one kind and detail within one millisecond: `[epochMs, kind, detail, count]`. */
export type FailureBucket = [t: number, kind: FailureKind, detail: string, count: number];

/** Consecutive 2xx answers that came from the same app version (`v`), first and last arrival times. */
export interface Segment {
  v: string;
  first: number;
  last: number;
  n: number;
}

export interface LoadReport {
  url: string;
  connections: number;
  startedAt: number;
  stoppedAt: number;
  /** Answers received (any status). */
  responses: number;
  ok2xx: number;
  failures: FailureBucket[];
  segments: Segment[];
  /** Of 2xx answers, from autocannon's histogram. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** autocannon's own counters, kept to show what its bookkeeping alone would have reported. */
  autocannon: { errors: number; timeouts: number; non2xx: number; sent: number; total: number };
}

export type ToWorker = { type: 'start'; options: LoadOptions } | { type: 'stop' };
export type FromWorker =
  | { type: 'started' }
  | { type: 'report'; report: LoadReport }
  | { type: 'error'; message: string };
