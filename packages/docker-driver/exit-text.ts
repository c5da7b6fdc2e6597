// What a user reads about a container that ended: its exit code or signal, and the last line it wrote to stderr.
import type Docker from 'dockerode';
import { decodeExit } from './exit-status.js';
import { lastErrorLine } from './log-frames.js';

type Inspected = Awaited<ReturnType<Docker.Container['inspect']>>;

/** "container exited with code 3: <last stderr line>" for a container that ended before it could be used. */
export async function exitedText(container: Docker.Container, info: Inspected): Promise<string> {
  const exit = decodeExit(info.State.ExitCode);
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
  const last = info.State.OOMKilled ? 'out of memory (OOMKilled)' : await lastStderr(container);
  return `container ${how}${last ? `: ${last}` : ''}`;
}

export async function lastStderr(container: Docker.Container): Promise<string | null> {
  try {
    const buffer = (await container.logs({
      stdout: false,
      stderr: true,
      tail: 20,
      follow: false,
    })) as unknown as Buffer;
    return lastErrorLine(Buffer.isBuffer(buffer) ? buffer : Buffer.from(String(buffer)));
  } catch {
    return null;
  }
}
