// A `compartment` command left running while the test goes on: its output as it arrives, each line with when it came.
import { spawn, type ChildProcess } from 'node:child_process';

const BIN = new URL('../../../bin/compartment.js', import.meta.url).pathname;
const running = new Set<ChildProcess>();
// A test that crashes must not leave a watcher behind.
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export interface LiveCli {
  readonly child: ChildProcess;
  /** Complete stdout lines so far. */
  lines(): string[];
  stderr(): string;
  readonly done: Promise<{ code: number; stdout: string; stderr: string }>;
}

export function startCli(args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 90_000): LiveCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
  return { child, lines: () => stdout.split('\n').slice(0, -1), stderr: () => stderr, done };
}
