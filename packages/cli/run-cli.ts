// Runs one command line and maps every failure to an exit code: commander parse errors 2, CompartmentErrors by the registry.
import { CommanderError } from 'commander';
import { buildProgram } from './cli-program.js';

/** Runs one command line (without node and script) and returns the exit code; never throws. */
export async function runCli(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram(async (action) => {
    // `logs --follow` parses batch after batch for as long as it runs: the compiled fast path pays there.
    if (argv[0] !== 'logs') await parseWithoutCompiling();
    code = await action();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    return reportError(error, argv.includes('--json'));
  }
}

/**
 * A one-shot command parses each schema a few times at most: zod's compiled fast path (a `new Function` per object
 * schema on its first parse, never in the code cache) costs more than it saves there (~5 ms of a deploy). Set before
 * the command's modules build their schemas, which read it then.
 */
async function parseWithoutCompiling(): Promise<void> {
  const { config } = await import('zod');
  config({ jitless: true });
}

async function reportError(error: unknown, json: boolean): Promise<number> {
  if (error instanceof CommanderError) {
    // Commander already printed its message; asking for help is success, any other parse error is bad input.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  }
  const { CompartmentError, exitCodeOf } = await import('../protocol/index.js');
  const e =
    error instanceof CompartmentError
      ? error
      : (permissionError(error, CompartmentError) ??
        new CompartmentError('INTERNAL', error instanceof Error ? (error.stack ?? error.message) : String(error)));
  if (json) process.stdout.write(JSON.stringify({ error: e.toPayload() }) + '\n');
  // Messages can carry a workload's words or a log's tail: line breaks stay, escape sequences do not.
  const { terminalSafeLines } = await import('./output/terminal-safe.js');
  process.stderr.write(`error: ${terminalSafeLines(e.message)}\n`);
  return exitCodeOf(e.code);
}

/** NATS refused a publish or subscribe for these credentials (anywhere in the error's causes): PERMISSION_DENIED, not a crash. */
function permissionError<E>(error: unknown, make: new (code: 'PERMISSION_DENIED', message: string) => E): E | null {
  for (
    let e = error as (Error & { cause?: unknown; operation?: string; subject?: string }) | undefined;
    e;
    e = e.cause as typeof e
  ) {
    if (e.name === 'PermissionViolationError' || /permissions violation/i.test(e.message ?? '')) {
      const what = e.operation && e.subject ? `${e.operation} to ${e.subject}` : e.message;
      return new make(
        'PERMISSION_DENIED',
        `NATS refused this for the credentials in use (${what}); pass --nats-creds FILE of a role allowed to do it`,
      );
    }
  }
  return null;
}
