// The release phase in Docker: the command runs once in a fresh container of the deployment's image, output streamed.
import type Docker from 'dockerode';
import { FrameDecoder, type LogStreamName } from './log-frames.js';
import { LineSplitter, LastLines } from '../process-driver/line-splitter.js';
import { dockerMessage, isNotFound } from './docker-errors.js';

export interface ReleaseRequest {
  command: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onLine(stream: LogStreamName, text: string): void;
}

export interface ReleasePlan {
  /** Unique per deployment: a container left by an agent that died mid-release is replaced, never run beside. */
  name: string;
  image: string;
  labels: Record<string, string>;
}

/**
 * Runs `/bin/sh -c <command>` (the image's entrypoint is replaced: the command is a shell line, as for processes) with
 * the deployment's variables, no ports, and removes the container after. Throws with the exit code and the last stderr
 * lines when it fails; on abort (the timeout) the container is killed and removed.
 */
export async function runRelease(docker: Docker, plan: ReleasePlan, req: ReleaseRequest): Promise<void> {
  await removeIfThere(docker, plan.name);
  const container = await docker.createContainer({
    name: plan.name,
    Image: plan.image,
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: [req.command],
    Env: Object.entries(req.env).map(([k, v]) => `${k}=${v}`),
    Labels: plan.labels,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stderr = new LastLines(5);
  const splitters = {
    stdout: new LineSplitter((text) => req.onLine('stdout', text)),
    stderr: new LineSplitter((text) => {
      stderr.add(text);
      req.onLine('stderr', text);
    }),
  };
  const kill = () => void container.kill().catch(() => undefined);
  req.signal.addEventListener('abort', kill, { once: true });
  try {
    // Attached before it starts, so no line is missed.
    const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const decoder = new FrameDecoder();
    const ended = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => {
        for (const f of decoder.push(chunk)) splitters[f.stream].push(f.text);
      });
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    await container.start();
    if (req.signal.aborted) kill();
    const { StatusCode: code } = (await container.wait()) as { StatusCode: number };
    await Promise.race([ended, new Promise((r) => setTimeout(r, 1_000))]);
    splitters.stdout.flush();
    splitters.stderr.flush();
    if (req.signal.aborted) throw new Error('aborted');
    if (code !== 0) {
      const tail = stderr.all;
      throw new Error(`exit code ${code}${tail.length ? `: ${tail.join('\n')}` : ''}`);
    }
  } catch (error) {
    if (error instanceof Error && /^exit code|^aborted/.test(error.message)) throw error;
    throw new Error(dockerMessage(error));
  } finally {
    req.signal.removeEventListener('abort', kill);
    await removeIfThere(docker, plan.name);
  }
}

async function removeIfThere(docker: Docker, name: string): Promise<void> {
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
}
