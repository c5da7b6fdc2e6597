// A container's exit as the agent reports it: docker-init passes on "killed by signal n" as status 128+n.
import { constants } from 'node:os';

export interface ContainerExit {
  code: number | null;
  signal: string | null;
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/** Like the process runtime: a status above 128 that names a signal is read as that signal (137 → SIGKILL). */
export function decodeExit(status: number | null | undefined): ContainerExit {
  if (status === null || status === undefined || status < 0) return { code: null, signal: null };
  const signal = status > 128 ? SIGNAL_NAMES.get(status - 128) : undefined;
  return signal ? { code: null, signal } : { code: status, signal: null };
}
