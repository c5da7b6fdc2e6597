// Runs a release's build command in its own process group, streaming output lines as they come; a marker makes re-runs no-ops.
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { LineSplitter, LastLines } from './line-splitter.js';
import { isAlive, killGroup, readStat } from './proc-stat.js';
import { exists, readJson, writeJsonAtomic } from './atomic-file.js';
import { buildAborted, buildFailed, notExtracted } from './driver-errors.js';
import type { ReleasePaths } from './release-layout.js';
import type { WorkloadUser } from './workload-user.js';

export type OutputStream = 'stdout' | 'stderr';

export interface BuildOptions {
  /** The service's `build` shell command; none means there is nothing to build. */
  command?: string;
  /** The complete environment of the build (the driver adds its base variables first). */
  env: Record<string, string>;
  onLine?: (stream: OutputStream, text: string) => void;
  signal?: AbortSignal;
  /** Runs the command as this user (set by the driver). */
  runAs?: WorkloadUser | null;
}

export interface BuildResult {
  at: string;
  /** True when an earlier run had already finished the build. */
  skipped: boolean;
}

const LAST_LINES = 3;

export async function runBuild(paths: ReleasePaths, opts: BuildOptions): Promise<BuildResult> {
  if (await exists(paths.buildOk)) return { at: new Date().toISOString(), skipped: true };
  if (!(await exists(paths.app))) throw notExtracted(paths.dir);
  if (opts.signal?.aborted) throw buildAborted();
  await killStaleBuild(paths);
  if (opts.command !== undefined) await runCommand(paths, opts.command, opts);
  const at = new Date().toISOString();
  await writeFile(paths.buildOk, JSON.stringify({ at, command: opts.command ?? null }));
  return { at, skipped: false };
}

/** The release phase: one command after the build, in the same directory and way; `release.ok` makes a re-run a no-op. */
export async function runRelease(paths: ReleasePaths, opts: BuildOptions & { command: string }): Promise<BuildResult> {
  if (await exists(paths.releaseOk)) return { at: new Date().toISOString(), skipped: true };
  if (!(await exists(paths.app))) throw notExtracted(paths.dir);
  if (opts.signal?.aborted) throw buildAborted();
  await killStaleBuild(paths);
  await runCommand(paths, opts.command, opts);
  const at = new Date().toISOString();
  await writeFile(paths.releaseOk, JSON.stringify({ at, command: opts.command }));
  return { at, skipped: false };
}

/**
 * A build whose agent died may still run (a silent one never hits EPIPE); it would race the new one
 * in the same directory, so its group is killed first.
 */
async function killStaleBuild(paths: ReleasePaths): Promise<void> {
  const stale = await readJson<{ pid: number; startTime: number }>(paths.buildProcess);
  if (stale !== null && (await isAlive(stale.pid, stale.startTime))) killGroup(stale.pid, 'SIGKILL');
  await rm(paths.buildProcess, { force: true });
}

async function runCommand(paths: ReleasePaths, command: string, opts: BuildOptions): Promise<void> {
  const child = spawn('sh', ['-c', command], {
    cwd: paths.app,
    env: opts.env,
    ...(opts.runAs ? { uid: opts.runAs.uid, gid: opts.runAs.gid } : {}),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Everything is wired before the first await: a quick command can be done while we write build.json.
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const closed = once(child, 'close');
  exited.catch(() => undefined);
  closed.catch(() => undefined);
  const lastErr = new LastLines(LAST_LINES);
  const lastOut = new LastLines(LAST_LINES);
  const out = new LineSplitter((t) => (lastOut.add(t), opts.onLine?.('stdout', t)));
  const err = new LineSplitter((t) => (lastErr.add(t), opts.onLine?.('stderr', t)));
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const pid = child.pid;
  if (pid === undefined) {
    const [error] = (await once(child, 'error').catch((e: unknown) => [e])) as [Error];
    throw buildFailed(null, null, [error.message]);
  }
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    killGroup(pid, 'SIGKILL');
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const stat = await readStat(pid);
  if (stat !== null) await writeJsonAtomic(paths.buildProcess, { pid, startTime: stat.startTime });

  try {
    const [code, signal] = await exited;
    // Whatever the build left behind in its group would hold the pipes open and outlive it.
    killGroup(pid, 'SIGKILL');
    await closed;
    out.flush();
    err.flush();
    if (aborted) throw buildAborted();
    if (code !== 0) throw buildFailed(code, signal, lastErr.all.length > 0 ? lastErr.all : lastOut.all);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await rm(paths.buildProcess, { force: true });
  }
}
