// Starts a workload detached in its own process group, output appended to files, or adopts the one already running.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { kernelPort } from '../kit/index.js';
import { readStat } from './proc-stat.js';
import { exists } from './atomic-file.js';
import { notExtracted, startFailed } from './driver-errors.js';
import { runningRecord, writeRecord, WRAPPER_MARK, type WorkloadRecord } from './workload.store.js';
import type { ReleasePaths, WorkloadKey } from './release-layout.js';
import { dropTo, type WorkloadUser } from './workload-user.js';

export interface LaunchOptions {
  command: string;
  /** The complete environment (the driver adds its base variables); PORT is set here. */
  env: Record<string, string>;
  port?: number;
  host: string;
  /** The app runs as this user; the wrapper (which writes the pid and exit files) stays the agent's. */
  runAs?: WorkloadUser | null;
}

export interface Launched {
  record: WorkloadRecord;
  adopted: boolean;
  /** Present only when this call spawned it: its 'exit' is immediate, unlike polling. */
  child: ChildProcess | null;
}

/**
 * The wrapper outlives the agent and writes the app's exit status to a file, so an exit that happens
 * while no agent runs is still known. Measured with dash: `sh -c "cmd"` and `eval "cmd" &` keep an
 * intermediate shell that dies on SIGTERM while the app (which may handle it) lives on, so the
 * command runs in a subshell that, like the wrapper, traps TERM/INT/HUP/QUIT only to wait for its
 * child. The app gets default dispositions (a trapped signal is reset on exec). Side effect: a
 * shell loop written inline in `start` does not end on SIGTERM (it is SIGKILLed after the grace).
 */
const wrapper = (runAs: WorkloadUser | null) =>
  [
    'echo $$ > "$2/wrapper.pid"',
    "trap ':' TERM INT HUP QUIT",
    runAs === null
      ? `( trap ':' TERM INT HUP QUIT; eval "$1" )`
      : `${dropTo(runAs)} sh -c 'trap ":" TERM INT HUP QUIT; eval "$1"' workload "$1"`,
    'c=$?',
    'echo $c > "$2/exit-status"',
    'exit $c',
  ].join('\n');

export async function launch(paths: ReleasePaths, key: WorkloadKey, opts: LaunchOptions): Promise<Launched> {
  const running = await runningRecord(paths);
  if (running !== null) return { record: running, adopted: true, child: null };
  if (!(await exists(paths.app))) throw notExtracted(paths.dir);

  const port = opts.port ?? (await kernelPort());
  await mkdir(paths.workload, { recursive: true });
  await Promise.all([rm(paths.exitStatus, { force: true }), rm(paths.wrapperPid, { force: true })]);
  const base = { ...key, command: opts.command, host: opts.host, port, startedAt: new Date().toISOString() };
  // Written before the spawn: if the agent dies in between, the wrapper's pid file completes it.
  await writeRecord(paths, { ...base, pid: null, startTime: null });

  // Files, not pipes: a pipe to the agent would give the app EPIPE once the agent dies.
  const out = openSync(paths.stdout, 'a');
  const err = openSync(paths.stderr, 'a');
  let child: ChildProcess;
  try {
    child = spawn('sh', ['-c', wrapper(opts.runAs ?? null), WRAPPER_MARK, opts.command, paths.workload], {
      cwd: paths.app,
      env: { ...opts.env, PORT: String(port) },
      detached: true,
      stdio: ['ignore', out, err],
    });
  } finally {
    closeSync(out);
    closeSync(err);
  }
  const pid = child.pid;
  if (pid === undefined) {
    const [error] = (await once(child, 'error')) as [Error];
    throw startFailed(error.message);
  }
  // The agent's event loop must not wait for workloads; 'exit' still fires while it runs.
  child.unref();
  child.on('error', () => undefined); // a later failed kill() must not crash the agent
  const stat = await readStat(pid);
  // -1 never matches a live process: it exited (and was reaped) before we could look at it.
  const record: WorkloadRecord = { ...base, pid, startTime: stat?.startTime ?? -1 };
  await writeRecord(paths, record);
  return { record, adopted: false, child };
}
