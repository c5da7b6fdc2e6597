// Reports a container's exit exactly once: at once when it is not running (or gone), else when Docker's `wait` returns.
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { isNotFound } from './docker-errors.js';
import { decodeExit, type ContainerExit } from './exit-status.js';
import { lastStderr } from './exit-text.js';

export interface ExitReport extends ContainerExit {
  lastError: string | null;
}

const RETRY_MS = 500;

/** Watches the container `nameOrId` names now (a later container of the same name is another run); returns a canceller. */
export function watchContainer(
  docker: Docker,
  nameOrId: string,
  onExit: (exit: ExitReport) => void,
  warn: (m: string, e: unknown) => void,
): () => void {
  const abort = new AbortController();
  let done = false;
  const finish = (exit: ExitReport) => {
    if (done || abort.signal.aborted) return;
    done = true;
    onExit(exit);
  };

  const ended = async (container: Docker.Container, status?: number): Promise<void> => {
    let info: Awaited<ReturnType<Docker.Container['inspect']>> | null = null;
    try {
      info = await container.inspect();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!info) return finish({ ...decodeExit(status), lastError: 'the container was removed' });
    const lastError = info.State.OOMKilled ? 'out of memory (OOMKilled)' : await lastStderr(container);
    finish({ ...decodeExit(info.State.ExitCode ?? status), lastError });
  };

  const run = async () => {
    let id = nameOrId;
    for (;;) {
      if (abort.signal.aborted) return;
      try {
        const info = await docker.getContainer(id).inspect();
        id = info.Id;
        const container = docker.getContainer(id);
        if (!info.State.Running) return await ended(container);
        // Long-polls until the container stops; aborting cancels the request.
        const result = (await container.wait({ condition: 'not-running', abortSignal: abort.signal })) as {
          StatusCode?: number;
        };
        return await ended(container, result.StatusCode);
      } catch (error) {
        if (abort.signal.aborted) return;
        if (isNotFound(error)) return finish({ code: null, signal: null, lastError: 'the container is gone' });
        // The engine restarting or a dropped connection: look again shortly.
        warn(`watching container ${id} failed; retrying`, error);
        await sleep(RETRY_MS);
      }
    }
  };
  void run();
  return () => abort.abort();
}
