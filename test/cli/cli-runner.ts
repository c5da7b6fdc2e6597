// Runs the built `compartment` executable as a user would, capturing stdout, stderr and the exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../bin/compartment.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout split into parsed JSON lines (throws if a line is not JSON). */
  json(): unknown[];
}

export interface CliOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Written to the command's standard input, then closed (else stdin is /dev/null). */
  input?: string;
}

/** The environment a user's shell would give: no NATS URL leaking in from the test runner. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', COMPARTMENT_NATS_URL: undefined, ...extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

export function startCli(
  args: string[],
  opts: CliOptions,
): { child: ChildProcess; done: Promise<CliResult>; stdout(): string } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const done = new Promise<CliResult>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        json: () =>
          stdout
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l)),
      });
    });
  });
  return { child, done, stdout: () => stdout };
}

export function cli(args: string[], opts: CliOptions): Promise<CliResult> {
  return startCli(args, opts).done;
}
