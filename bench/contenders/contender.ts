// What every way of replacing a running service offers the replacement run: set up, replace once, report when it switched.
import type { Cleanup } from '../harness/index.js';

export interface OpResult {
  /** What this operation was: deploy, rollback, deploy+build, reload, stop-start, patch. */
  kind: string;
  /** One of the replacements the contender is measured on (a rollback run also deploys in between). */
  counted: boolean;
  startedAt: number;
  endedAt: number;
  /** When traffic was told to move (route write, config PATCH); null when there is no such moment. */
  switchAt: number | null;
  /** The app version serving once the operation finished. */
  version: string;
  detail?: Record<string, unknown>;
}

/** Where an HTTPS load by host name goes: the TLS server name and the Host header. */
export interface HostTarget {
  servername: string;
  host: string;
}

export interface Contender {
  readonly name: string;
  readonly label: string;
  /** The request path the load takes, e.g. "autocannon → Caddy → app". */
  readonly path: string;
  /** Starts everything and the first version; returns the URL to load and the version serving. */
  setup(cleanup: Cleanup, log: (line: string) => void): Promise<{ url: string; version: string; target?: HostTarget }>;
  /** Replacement number `i` (0-based); `settle` waits the common pause when it does more than one operation. */
  replace(i: number, settle: () => Promise<void>): Promise<OpResult[]>;
  /** After the load stopped: fill in what is known only afterwards (switch times, stage timings). */
  finish?(ops: OpResult[]): Promise<void>;
}
