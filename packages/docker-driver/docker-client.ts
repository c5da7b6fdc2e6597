// Connecting to the Docker engine: which socket, and whether an engine answers there.
import Docker from 'dockerode';
import { dockerUnavailable } from './docker-errors.js';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** `DOCKER_HOST=unix:///path` names the socket, as for the docker CLI; anything else means the default. */
export function defaultDockerSocket(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') && host.length > 'unix://'.length
    ? host.slice('unix://'.length)
    : DEFAULT_DOCKER_SOCKET;
}

export function dockerClient(socketPath: string): Docker {
  return new Docker({ socketPath });
}

/** Resolves when the engine answers `/_ping`; else throws DOCKER_UNAVAILABLE naming the socket. */
export async function pingEngine(docker: Docker, socketPath: string, timeoutMs = 3_000): Promise<void> {
  try {
    // dockerode takes options here; its typings do not say so.
    await (docker as unknown as { ping(o: { abortSignal: AbortSignal }): Promise<unknown> }).ping({
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut =
      (error as { name?: string } | null)?.name === 'AbortError' ||
      (error as { name?: string } | null)?.name === 'TimeoutError';
    throw dockerUnavailable(socketPath, timedOut ? new Error(`no answer within ${timeoutMs} ms`) : error);
  }
}
