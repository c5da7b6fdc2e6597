// Liveness checks for processes the supervisor owns (guarding against pid reuse) and a cheap "does NATS answer" probe.
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';

export function isAlive(pid: number | null | undefined): pid is number {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's argv from /proc, or null where /proc is not available. */
export function argvOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/** Alive and (where /proc tells) still the process we started: a recycled pid does not count. */
export function isOurs(pid: number | null | undefined, matches: (argv: string[]) => boolean): pid is number {
  if (!isAlive(pid)) return false;
  const argv = argvOf(pid);
  if (argv === null) return true;
  // A zombie has an empty cmdline: it is gone for our purposes.
  return argv.length > 0 && matches(argv);
}

export async function waitForExit(pid: number, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || argvOf(pid)?.length === 0) return true;
    await sleep(everyMs);
  }
  return !isAlive(pid);
}

/** True if something at `url` (or, for a comma-separated list, any of them) greets like a NATS server within `timeoutMs`. */
export async function natsAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const all = url
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  return (await Promise.all(all.map((u) => oneAnswers(u, timeoutMs)))).some(Boolean);
}

function oneAnswers(url: string, timeoutMs: number): Promise<boolean> {
  const { hostname, port } = new URL(url.replace(/^nats:/, 'http:'));
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 4222) });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('data', (d) => done(d.toString('latin1').startsWith('INFO')));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}
