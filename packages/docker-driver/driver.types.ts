// What DockerDriver is given and answers: its options, build and start requests, started and listed containers.
import type { DockerKey } from './docker-names.js';
import type { LogStreamName } from './log-frames.js';
import type { OutputLine } from './log-follower.js';
import type { StoredLine } from './stored-lines.js';

export interface DockerDriverOptions {
  socketPath: string;
  nodeId: string;
  /** Where containers' ports are published: the address the edge dials. */
  host: string;
  /** Where log cursors are kept across agent restarts. */
  stateDir: string;
  warn(message: string, error?: unknown): void;
  /** Resolves once all output handed over so far is stored for good; log cursors move only after it. */
  outputStored(): Promise<void>;
}

export interface BuildRequest {
  contextFile: string;
  dockerfile: string;
  signal: AbortSignal;
  onLine(text: string): void;
}

export interface StartRequest {
  env: Record<string, string>;
  containerPort: number;
  /** Publish the port on the host: at `hostPort` (a restart keeps the port its route points at), else one Docker picks. */
  publish: boolean;
  hostPort?: number | null;
  memoryMb?: number;
  cpus?: number;
}

export interface Started {
  id: string;
  host: string;
  hostPort: number | null;
  adopted: boolean;
}

export interface ContainerStatus extends DockerKey {
  id: string;
  running: boolean;
}

/** Where a container's output goes; `storedSince` only when resuming after an agent restart. */
export interface OutputTarget {
  onLines(stream: LogStreamName, lines: OutputLine[]): Promise<void>;
  storedSince?(since: string | undefined): Promise<StoredLine[]>;
}
