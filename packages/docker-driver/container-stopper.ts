// `docker stop` with the grace period (SIGTERM, SIGKILL after it), then remove; the image stays for rollback.
import type Docker from 'dockerode';
import { isConflict, isNotFound, isNotModified } from './docker-errors.js';
import { decodeExit, type ContainerExit } from './exit-status.js';

export interface StopResult {
  wasRunning: boolean;
  /** How it ended: SIGKILL when the grace period ran out. */
  exit: ContainerExit | null;
}

/** `beforeRemove` runs between stop and remove (the log follower reads the last lines). Stopping what is gone is a no-op. */
export async function stopContainer(
  docker: Docker,
  id: string,
  graceMs: number,
  beforeRemove: () => Promise<void>,
): Promise<StopResult> {
  const container = docker.getContainer(id);
  let info: Awaited<ReturnType<Docker.Container['inspect']>>;
  try {
    info = await container.inspect();
  } catch (error) {
    if (isNotFound(error)) return { wasRunning: false, exit: null };
    throw error;
  }
  const wasRunning = info.State.Running;
  if (wasRunning) {
    try {
      // Docker's grace is whole seconds: round up, never cut a grace short.
      await container.stop({ t: Math.ceil(graceMs / 1000) });
    } catch (error) {
      if (!isNotModified(error) && !isNotFound(error)) throw error;
    }
  }
  await beforeRemove();
  let exit: ContainerExit | null = null;
  if (wasRunning)
    exit = await container.inspect().then(
      (i) => decodeExit(i.State.ExitCode),
      () => null,
    );
  try {
    await container.remove({ force: true });
  } catch (error) {
    // Gone already, or another stop is removing it right now.
    if (!isNotFound(error) && !isConflict(error)) throw error;
  }
  return { wasRunning, exit };
}
