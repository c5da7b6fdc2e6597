// Undo stack for a scenario: every process and temp dir it starts is stopped or removed, even when it fails midway.
import { rmSync } from 'node:fs';

type Task = { what: string; run: () => unknown };

const pidsAtExit = new Map<() => number | null | undefined, NodeJS.Signals>();
const dirsAtExit = new Set<string>();
// Last line of defence when the bench itself crashes: nothing may outlive it.
process.once('exit', () => {
  for (const [pid, signal] of pidsAtExit) killQuietly(pid() ?? null, signal);
  for (const dir of dirsAtExit) rmSync(dir, { recursive: true, force: true });
});

export function killQuietly(pid: number | null, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (pid === null || pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export class Cleanup {
  private readonly tasks: Task[] = [];

  /** Registers an undo step; they run last-in first-out. */
  add(what: string, run: () => unknown): void {
    this.tasks.push({ what, run });
  }

  /**
   * A pid signalled (`atExit`, default SIGKILL) if the bench process exits before `run()`, i.e. crashes;
   * `run()` stops it with `stop`, else SIGTERM.
   */
  pid(
    what: string,
    pid: () => number | null | undefined,
    stop?: () => unknown,
    atExit: NodeJS.Signals = 'SIGKILL',
  ): void {
    pidsAtExit.set(pid, atExit);
    this.add(what, async () => {
      try {
        if (stop) await stop();
        else killQuietly(pid() ?? null);
      } finally {
        pidsAtExit.delete(pid);
      }
    });
  }

  dir(path: string): string {
    dirsAtExit.add(path);
    this.add(`remove ${path}`, () => {
      rmSync(path, { recursive: true, force: true });
      dirsAtExit.delete(path);
    });
    return path;
  }

  /** Runs every step, newest first; a failing step is reported and the rest still run. */
  async run(warn: (message: string) => void): Promise<void> {
    while (this.tasks.length) {
      const task = this.tasks.pop()!;
      try {
        await task.run();
      } catch (error) {
        warn(`cleanup "${task.what}" failed: ${(error as Error).message}`);
      }
    }
  }
}
