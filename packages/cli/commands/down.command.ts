// `compartment down`: signal the local cluster's supervisor and wait until it has stopped everything; data is kept.
import { readContext } from '../supervisor/cluster-files.js';
import { isSupervisor } from '../supervisor/cluster-probe.js';
import { waitForExit } from '../supervisor/process-check.js';
import { stopLeftovers } from '../supervisor/supervisor.js';
import { CompartmentError } from '../../protocol/index.js';

/** Three children, each allowed the supervisor's 30 s stop grace, plus margin. */
const DOWN_TIMEOUT_MS = 100_000;

const say = (line: string) => process.stdout.write(line + '\n');

export async function downCommand(): Promise<number> {
  const projectDir = process.cwd();
  const context = readContext(projectDir);
  if (!context || !isSupervisor(context.pid)) {
    // A supervisor killed hard leaves its children behind; stop those.
    await stopLeftovers(projectDir, say);
    say('not running');
    return 0;
  }
  process.kill(context.pid, 'SIGTERM');
  if (!(await waitForExit(context.pid, DOWN_TIMEOUT_MS, 100))) {
    throw new CompartmentError(
      'TIMEOUT',
      `the supervisor (pid ${context.pid}) did not stop within ${DOWN_TIMEOUT_MS} ms`,
    );
  }
  say(`stopped; data kept in ${context.dataDir}`);
  return 0;
}
