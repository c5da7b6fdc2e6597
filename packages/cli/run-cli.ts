// Runs one command line and maps every failure to an exit code: commander parse errors 2, CompartmentErrors by the registry.
import { CommanderError } from 'commander';
import { buildProgram } from './cli-program.js';

/** Runs one command line (without node and script) and returns the exit code; never throws. */
export async function runCli(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram(async (action) => {
    code = await action();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    return reportError(error, argv.includes('--json'));
  }
}

async function reportError(error: unknown, json: boolean): Promise<number> {
  if (error instanceof CommanderError) {
    // Commander already printed its message; asking for help is success, any other parse error is bad input.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
  const { CompartmentError, exitCodeOf } = await import('../protocol/index.js');
  const e = error instanceof CompartmentError ? error : new CompartmentError('INTERNAL', error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (json) process.stdout.write(JSON.stringify({ error: e.toPayload() }) + '\n');
  // Messages can carry a workload's words or a log's tail: line breaks stay, escape sequences do not.
  const { terminalSafeLines } = await import('./output/terminal-safe.js');
  process.stderr.write(`error: ${terminalSafeLines(e.message)}\n`);
  return exitCodeOf(e.code);
}
