// The process runtime: releases, builds and workloads of one data dir; every operation is idempotent and survives an agent restart.
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { extractRelease, listReleaseKeys, pruneReleases } from './release.store.js';
import { readdir } from 'node:fs/promises';
import { releasePaths, keyText, SLOT_DIR, type WorkloadKey } from './release-layout.js';
import { runBuild, runRelease, type BuildOptions, type BuildResult } from './build-runner.js';
import { launch } from './workload-launcher.js';
import { watchWorkload } from './workload-watcher.js';
import { stopWorkload, type StopResult } from './workload-stopper.js';
import { readRecord, refOf, runningRecord } from './workload.store.js';
import { KeyLock } from '../key-lock/index.js';
import { LogTailer, type LogTailerOptions, type TailBatch } from './log-tailer.js';
import type { ExitInfo } from './exit-info.js';
import { baseWorkloadEnv, type WorkloadUser } from './workload-user.js';

export interface ProcessDriverOptions {
  dataDir: string;
  /** The address the edge dials to reach workloads on this node. */
  host?: string;
  /** How often an adopted workload is checked for exit. */
  pollMs?: number;
  /** Variables every build and workload gets under its own; default: PATH, LANG, LC_ALL, TZ of the agent's, HOME/USER of `runAs`. */
  baseEnv?: Record<string, string>;
  /** Builds, workloads and command probes run as this user, and own their app dir; absent: as the agent's user. */
  runAs?: WorkloadUser | null;
}

export interface StartOptions {
  command: string;
  env: Record<string, string>;
  port?: number;
}

export interface Started {
  /** `pid:starttime`: names this very process, never a later one with a reused pid. */
  ref: string;
  host: string;
  port: number;
  pid: number;
  adopted: boolean;
}

export interface WorkloadStatus extends WorkloadKey {
  ref: string | null;
  host: string;
  port: number;
  pid: number | null;
  startedAt: string;
  running: boolean;
}

export interface LogTail {
  flush(): Promise<void>;
  close(): Promise<void>;
}

export class ProcessDriver {
  readonly dataDir: string;
  readonly host: string;
  private readonly pollMs: number;
  private readonly baseEnv: Record<string, string>;
  readonly runAs: WorkloadUser | null;
  private readonly lock = new KeyLock();
  /** Children this instance spawned, by release dir: their exit is known at once. */
  private readonly children = new Map<string, ChildProcess>();

  constructor(opts: ProcessDriverOptions) {
    this.dataDir = opts.dataDir;
    this.host = opts.host ?? '127.0.0.1';
    this.pollMs = Math.min(opts.pollMs ?? 200, 250);
    this.runAs = opts.runAs ?? null;
    this.baseEnv = opts.baseEnv ?? baseWorkloadEnv(this.runAs);
  }

  releaseDir(key: WorkloadKey): string {
    return releasePaths(this.dataDir, key).dir;
  }

  /** The extracted source: cwd of build, start and command probes. */
  appDir(key: WorkloadKey): string {
    return releasePaths(this.dataDir, key).app;
  }

  /** Extracts a source tar(.gz) (path or stream) as the release; a no-op if it exists. */
  extract(key: WorkloadKey, source: string | Readable): Promise<{ dir: string; extracted: boolean }> {
    return this.lock.run(keyText(key), () => extractRelease(this.dataDir, key, source, this.runAs));
  }

  /** Removes the service's releases not in `keepIds`, except any whose workload runs. */
  prune(env: string, service: string, keepIds: readonly string[]): Promise<string[]> {
    return pruneReleases(this.dataDir, env, service, keepIds, async (key) => {
      for (const slot of [0, ...(await this.slots(key))])
        if ((await runningRecord(releasePaths(this.dataDir, { ...key, slot }))) !== null) return true;
      return false;
    });
  }

  build(key: WorkloadKey, opts: BuildOptions): Promise<BuildResult> {
    return this.lock.run(keyText(key), () =>
      runBuild(releasePaths(this.dataDir, key), { ...opts, env: this.env(opts.env), runAs: this.runAs }),
    );
  }

  /** Runs the release command once after the build (a finished one is not run again). */
  release(key: WorkloadKey, opts: BuildOptions & { command: string }): Promise<BuildResult> {
    return this.lock.run(keyText(key), () =>
      runRelease(releasePaths(this.dataDir, key), { ...opts, env: this.env(opts.env), runAs: this.runAs }),
    );
  }

  /** Starts the workload, or adopts it when it already runs (same answer as the first start). */
  start(key: WorkloadKey, opts: StartOptions): Promise<Started> {
    return this.lock.run(keyText(key), async () => {
      const paths = releasePaths(this.dataDir, key);
      const { record, adopted, child } = await launch(paths, key, {
        ...opts,
        env: this.env(opts.env),
        host: this.host,
        runAs: this.runAs,
      });
      if (child !== null) {
        this.children.set(paths.workload, child);
        child.once('exit', () => this.children.get(paths.workload) === child && this.children.delete(paths.workload));
      }
      return { ref: refOf(record), host: record.host, port: record.port, pid: record.pid!, adopted };
    });
  }

  /** Calls `onExit` once when the workload ends (at once if it is not running); returns a function that stops watching. */
  watch(key: WorkloadKey, onExit: (exit: ExitInfo) => void): () => void {
    const paths = releasePaths(this.dataDir, key);
    return watchWorkload({ paths, child: this.children.get(paths.workload) ?? null, pollMs: this.pollMs, onExit });
  }

  stop(key: WorkloadKey, graceMs: number): Promise<StopResult> {
    return this.lock.run(keyText(key), () => stopWorkload(releasePaths(this.dataDir, key), graceMs));
  }

  async status(key: WorkloadKey): Promise<WorkloadStatus | null> {
    const paths = releasePaths(this.dataDir, key);
    const record = await readRecord(paths);
    if (record === null) return null;
    const live = await runningRecord(paths);
    const r = live ?? record;
    return {
      env: key.env,
      service: key.service,
      deploymentId: key.deploymentId,
      ...(key.slot ? { slot: key.slot } : {}),
      ref: r.pid === null ? null : refOf(r),
      host: r.host,
      port: r.port,
      pid: r.pid,
      startedAt: r.startedAt,
      running: live !== null,
    };
  }

  /** Every workload this data dir has started, running or not: what the agent reconciles with at start. */
  async list(): Promise<WorkloadStatus[]> {
    const keys: WorkloadKey[] = [];
    for (const key of await listReleaseKeys(this.dataDir))
      keys.push(key, ...(await this.slots(key)).map((slot) => ({ ...key, slot })));
    const all = await Promise.all(keys.map((key) => this.status(key)));
    return all.filter((s): s is WorkloadStatus => s !== null);
  }

  /** The slots beyond 0 that ever ran a workload of this release here (each has its own `slot-<n>/`). */
  async slots(key: WorkloadKey): Promise<number[]> {
    const names = await readdir(releasePaths(this.dataDir, { ...key, slot: 0 }).dir).catch(() => [] as string[]);
    return names.flatMap((n) => {
      const m = SLOT_DIR.exec(n);
      return m ? [Number(m[1])] : [];
    });
  }

  /** Follows the workload's stdout.log and stderr.log from their persisted offsets. */
  async tailLogs(
    key: WorkloadKey,
    onBatch: (stream: 'stdout' | 'stderr', batch: TailBatch) => void | Promise<void>,
    opts: Omit<LogTailerOptions, 'file' | 'onBatch' | 'stateFile'> = {},
  ): Promise<LogTail> {
    const paths = releasePaths(this.dataDir, key);
    const tailers = (['stdout', 'stderr'] as const).map(
      (stream) => new LogTailer({ ...opts, file: paths[stream], onBatch: (b) => onBatch(stream, b) }),
    );
    await Promise.all(tailers.map((t) => t.start()));
    return {
      flush: async () => void (await Promise.all(tailers.map((t) => t.flush()))),
      close: async () => void (await Promise.all(tailers.map((t) => t.close()))),
    };
  }

  /** The environment a command probe of this workload gets (the same base as the workload). */
  env(given: Record<string, string>): Record<string, string> {
    return { ...this.baseEnv, ...given };
  }
}
