// Reports a workload's exit exactly once: at once from an own child's 'exit', else by polling /proc.
import type { ChildProcess } from 'node:child_process';
import { isAlive } from './proc-stat.js';
import { decodeStatus, lastLineOf, type ExitInfo } from './exit-info.js';
import { readExitStatus, runningRecord } from './workload.store.js';
import type { ReleasePaths } from './release-layout.js';

export interface WatchOptions {
  paths: ReleasePaths;
  /** The live child when this agent spawned it; null for an adopted workload. */
  child: ChildProcess | null;
  pollMs: number;
  onExit: (exit: ExitInfo) => void;
}

/** Starts watching; the returned function stops it (no report after that). */
export function watchWorkload(opts: WatchOptions): () => void {
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = async (status: Pick<ExitInfo, 'code' | 'signal'> | null) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    release();
    // The wrapper's file says how the app ended; without it (wrapper killed outright) we only know what Node saw.
    const fromFile = decodeStatus(await readExitStatus(opts.paths));
    const ended = fromFile.code !== null || fromFile.signal !== null ? fromFile : (status ?? fromFile);
    opts.onExit({ ...ended, lastError: await lastLineOf(opts.paths.stderr) });
  };
  const onChildExit = (code: number | null, signal: NodeJS.Signals | null) => {
    void finish(signal !== null ? { code: null, signal } : decodeStatus(code));
  };

  // The run seen first is the one watched: a later restart of the same release is another run.
  let watched: { pid: number; startTime: number } | null = null;
  const poll = async () => {
    if (done) return;
    if (watched === null) {
      const record = await runningRecord(opts.paths);
      if (record?.pid != null && record.startTime != null) watched = { pid: record.pid, startTime: record.startTime };
    }
    const alive = watched !== null && (await isAlive(watched.pid, watched.startTime));
    if (done) return;
    if (!alive) return void finish(null);
    timer = setTimeout(() => void poll(), opts.pollMs);
  };

  const child = opts.child;
  const owned = child !== null && child.exitCode === null && child.signalCode === null;
  // The driver unrefs its children; while someone waits for the exit, the process must stay up for it.
  const release = () => {
    if (!owned) return;
    child.off('exit', onChildExit);
    child.unref();
  };
  if (owned) {
    child.ref();
    child.once('exit', onChildExit);
  } else {
    void poll();
  }
  return () => {
    done = true;
    clearTimeout(timer);
    release();
  };
}
