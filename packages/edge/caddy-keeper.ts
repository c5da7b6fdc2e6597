// Keeps one Caddy running with the static edge config: spawns or adopts it, restarts it with backoff, stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { CompartmentError } from '../protocol/index.js';
import { RESTART_POLICIES, RestartBackoff } from '../kit/index.js';
import { caddyAdmin, type CaddyAdmin } from './caddy-admin.js';
import { adminUrlOf, type CaddyConfig } from './caddy-config.js';
import { caddyEnv, isAlive, isCaddy, logTail, waitUntil } from './caddy-process.js';

export interface CaddyKeeperOptions {
  config: CaddyConfig;
  /** Caddy's config file, log, pidfile, HOME and XDG dirs all live here. */
  dataDir: string;
  caddyBin?: string;
  readyTimeoutMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** A Caddy that stayed up this long counts as healthy again: the next crash restarts it without delay build-up. */
  stableMs?: number;
  /** How often an adopted Caddy (not our child, so no exit event) is checked. */
  watchMs?: number;
  /** Own process group, so a Ctrl-C to the keeper's group leaves the data plane up. */
  detached?: boolean;
  onEvent?: (event: KeeperEvent) => void;
}

export type KeeperEvent =
  | { type: 'started'; pid: number }
  | { type: 'ready'; pid: number | null }
  | { type: 'adopted'; pid: number | null; reloaded: boolean }
  | { type: 'exited'; pid: number | null; code: number | null; signal: string | null }
  | { type: 'restart-scheduled'; inMs: number; attempt: number };

export interface CaddyKeeper {
  readonly admin: CaddyAdmin;
  readonly configPath: string;
  readonly logPath: string;
  /** True while the running Caddy is one found at start rather than spawned by this keeper. */
  adopted(): boolean;
  pid(): number | null;
  /** Unexpected exits this keeper has restarted Caddy after. */
  restarts(): number;
  stop(): Promise<void>;
}

export async function startCaddyKeeper(options: CaddyKeeperOptions): Promise<CaddyKeeper> {
  const { config, dataDir } = options;
  const bin = options.caddyBin ?? 'caddy';
  const readyTimeoutMs = options.readyTimeoutMs ?? 15_000;
  const policy = RESTART_POLICIES.caddy;
  const backoff = new RestartBackoff({
    ...policy,
    firstMs: options.backoff?.initialMs ?? policy.firstMs,
    maxMs: options.backoff?.maxMs ?? policy.maxMs,
    stableMs: options.stableMs ?? policy.stableMs,
  });
  const emit = (e: KeeperEvent) => options.onEvent?.(e);
  for (const d of ['config', 'data', 'home']) mkdirSync(join(dataDir, d), { recursive: true });
  const configPath = join(dataDir, 'caddy.json');
  const logPath = join(dataDir, 'caddy.log');
  const pidPath = join(dataDir, 'caddy.pid');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const admin = caddyAdmin(adminUrlOf(config));

  let child: ChildProcess | null = null;
  let adoptedPid: number | null = null;
  let adopted = false;
  let stopping = false;
  /** False until the first start succeeded: a failing first start is reported to the caller, not restarted. */
  let supervising = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | null = null;

  /** Spawns Caddy; `gone` settles once it has exited, or failed to spawn at all. */
  const launch = (): { proc: ChildProcess; gone: Promise<string> } => {
    const log = openSync(logPath, 'a');
    // A file, not a pipe: Go exits on SIGPIPE when stderr's reader is gone, and Caddy must outlive the keeper.
    const proc = spawn(bin, ['run', '--config', configPath, '--pidfile', pidPath], {
      cwd: dataDir,
      env: caddyEnv(dataDir),
      stdio: ['ignore', log, log],
      detached: options.detached ?? false,
    });
    closeSync(log);
    if (options.detached) proc.unref();
    const startedAt = Date.now();
    child = proc;
    adopted = false;
    const gone = new Promise<string>((resolve) => {
      proc.once('exit', (code, signal) => resolve(`exited with code ${code}, signal ${signal}`));
      proc.once('error', (error) => proc.pid === undefined && resolve(`could not be spawned: ${error.message}`));
    });
    void gone.then(() => {
      if (child === proc) child = null;
      if (stopping || !supervising) return;
      emit({ type: 'exited', pid: proc.pid ?? null, code: proc.exitCode, signal: proc.signalCode });
      scheduleRestart(backoff.next(startedAt));
    });
    if (proc.pid !== undefined) emit({ type: 'started', pid: proc.pid });
    return { proc, gone };
  };

  const scheduleRestart = (inMs: number) => {
    if (stopping) return;
    restarts += 1;
    emit({ type: 'restart-scheduled', inMs, attempt: restarts });
    timer = setTimeout(() => {
      timer = null;
      if (stopping) return;
      const { proc, gone } = launch();
      const abandon = new AbortController();
      void gone.then(() => abandon.abort());
      admin.waitReady(readyTimeoutMs, abandon.signal).then(
        () => child === proc && emit({ type: 'ready', pid: proc.pid ?? null }),
        () => child === proc && proc.kill('SIGKILL'), // hung without an admin endpoint: its exit restarts it
      );
    }, inMs);
  };

  /**
   * An adopted Caddy is not our child, so no exit event: watch its pid (no admin polling, which Caddy would log
   * on every call), or its admin endpoint when the pidfile did not name it.
   */
  const watchAdopted = () => {
    let misses = 0;
    const check = async () => {
      let alive: boolean;
      if (adoptedPid !== null) alive = isAlive(adoptedPid);
      else {
        misses = (await admin.ping()) ? 0 : misses + 1;
        alive = misses < 3;
      }
      if (stopping || !adopted) return;
      if (alive) {
        timer = setTimeout(check, options.watchMs ?? 500);
        return;
      }
      adopted = false;
      emit({ type: 'exited', pid: adoptedPid, code: null, signal: null });
      adoptedPid = null;
      // An adopted Caddy's run length is unknown: its loss counts as the end of a healthy run.
      backoff.reset();
      scheduleRestart(0);
    };
    timer = setTimeout(check, options.watchMs ?? 500);
  };

  if (await admin.ping()) {
    const running = await admin.config().catch(() => null);
    const reloaded = !isDeepStrictEqual(running, JSON.parse(JSON.stringify(config)));
    if (reloaded) await admin.load(config);
    adoptedPid = readPid(pidPath);
    adopted = true;
    emit({ type: 'adopted', pid: adoptedPid, reloaded });
    watchAdopted();
  } else {
    const { proc, gone } = launch();
    const abandon = new AbortController();
    const failed = gone.then((how) =>
      Promise.reject(new CompartmentError('INTERNAL', `Caddy ${how} during start: ${logTail(logPath)}`)),
    );
    try {
      await Promise.race([admin.waitReady(readyTimeoutMs, abandon.signal), failed]);
    } catch (error) {
      proc.kill('SIGKILL');
      throw error;
    } finally {
      abandon.abort();
      failed.catch(() => {});
    }
    emit({ type: 'ready', pid: proc.pid ?? null });
  }

  supervising = true;
  return {
    admin,
    configPath,
    logPath,
    adopted: () => adopted,
    pid: () => child?.pid ?? adoptedPid,
    restarts: () => restarts,
    stop: async () => {
      stopping = true;
      if (timer) clearTimeout(timer);
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise<void>((r) => proc.once('exit', () => r()));
        proc.kill('SIGTERM');
        const timeout = setTimeout(() => proc.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(timeout);
      } else if (adopted) {
        const pid = adoptedPid;
        await admin.stop().catch(() => {});
        const dead = await waitUntil(() => (pid !== null ? !isAlive(pid) : admin.ping().then((up) => !up)), 5_000);
        if (!dead && pid !== null) process.kill(pid, 'SIGKILL');
        adopted = false;
      }
    },
  };
}

function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) && isCaddy(pid) ? pid : null;
  } catch {
    return null;
  }
}
