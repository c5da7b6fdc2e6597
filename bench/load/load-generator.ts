// Starts a load process beside the bench (so the bench's own timing is not stalled by it) and collects its report.
import { fork } from 'node:child_process';
import type { FromWorker, LoadOptions, LoadReport } from './load.protocol.js';

export interface RunningLoad {
  pid: number;
  stop(): Promise<LoadReport>;
  /** SIGKILL, for cleanup after a failure. */
  kill(): void;
}

const WORKER = new URL('./load.worker.js', import.meta.url);

/** Resolves once the first 2xx answer arrived: the load is flowing. */
export function startLoad(
  options: Partial<LoadOptions> & { url: string },
  startTimeoutMs = 15_000,
): Promise<RunningLoad> {
  const o: LoadOptions = { connections: 50, timeoutS: 10, ...options };
  const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let report: ((r: LoadReport) => void) | null = null;
  let failed: ((e: Error) => void) | null = null;
  const finished = new Promise<LoadReport>((resolve, reject) => {
    report = resolve;
    failed = reject;
  });
  finished.catch(() => undefined);
  child.send({ type: 'start', options: o });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load on ${o.url} got no 2xx answer within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.on('message', (m: FromWorker) => {
      if (m.type === 'started') {
        clearTimeout(timer);
        resolve({
          pid: child.pid!,
          stop: () => {
            child.send({ type: 'stop' });
            return finished;
          },
          kill: () => child.kill('SIGKILL'),
        });
      } else if (m.type === 'report') report?.(m.report);
      else if (m.type === 'error') {
        clearTimeout(timer);
        const e = new Error(`load process: ${m.message}`);
        failed?.(e);
        reject(e);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      const e = new Error(`load process exited (code ${code}) before reporting`);
      failed?.(e);
      reject(e);
    });
  });
}
