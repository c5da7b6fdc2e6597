// Process-level helpers for running Caddy: its private environment, liveness of a pid, the tail of its log.
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY'];

/**
 * Caddy's own HOME and XDG dirs, so two edges on one machine never share autosaves or certificates. Proxy
 * variables are dropped: Caddy's transport honours them, and our upstream names are not loopback names.
 */
export function caddyEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!PROXY_VARIABLES.includes(key.toUpperCase())) env[key] = value;
  }
  env.HOME = join(dataDir, 'home');
  env.XDG_CONFIG_HOME = join(dataDir, 'config');
  env.XDG_DATA_HOME = join(dataDir, 'data');
  return env;
}

/** Whether `pid` runs; a zombie (exited, not yet reaped: an orphan under an init that does not reap) is not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat is "pid (comm) state ...": the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs: the signal check is all we have
  }
}

/** Whether `pid` runs a Caddy (a stale pidfile may name a pid the kernel has since reused). */
export function isCaddy(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .some((arg) => /(^|\/)caddy$/.test(arg));
  } catch {
    return true; // no procfs: trust the pidfile
  }
}

/** The last lines of Caddy's log, for error messages. */
export function logTail(path: string, lines = 5): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `check` until it is true or `timeoutMs` passed; resolves with whether it became true. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
