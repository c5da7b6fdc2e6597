// Command readiness: `sh -c` in the release dir with the workload's environment; exit 0 passes. Detail: `command "x" → exit 1`.
import { spawn } from 'node:child_process';
import { describeError, type ProbeVerdict } from './probe.types.js';

const STDERR_KEEP = 4096;

export function commandProbe(
  command: string,
  cwd: string | undefined,
  env: Record<string, string> | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
  user?: { uid: number; gid: number },
): Promise<ProbeVerdict> {
  const say = (what: string) => `command ${JSON.stringify(command)} → ${what}`;
  return new Promise((resolve) => {
    let settled = false;
    let stderr = '';
    const settle = (v: ProbeVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      killGroup();
      resolve(v);
    };
    // Its own process group, so a timeout kills whatever the command started too.
    const child = spawn('sh', ['-c', command], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', ...env },
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    // Leftovers of the command would hold stderr open and delay 'close'; they are of no use to a probe.
    child.once('exit', killGroup);
    const timer = setTimeout(() => settle({ ok: false, detail: say(`timed out after ${timeoutMs} ms`) }), timeoutMs);
    const onAbort = () => settle({ ok: false, detail: say('aborted') });
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-STDERR_KEEP)));
    child.once('error', (error) => settle({ ok: false, detail: say(describeError(error)) }));
    child.once('close', (code, sig) => {
      const last = stderr
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .pop();
      const what = sig !== null ? `killed by ${sig}` : `exit ${code}`;
      settle({ ok: code === 0, detail: say(last !== undefined && code !== 0 ? `${what}: ${last}` : what) });
    });
  });
}
