// Starts a deployment's container, or adopts it when it already runs: create (named, so a re-run finds it) + start + inspect.
import type Docker from 'dockerode';
import { createOptions, publishedPort, type ContainerPlan } from './container-spec.js';
import {
  isConflict,
  isNotFound,
  isNotModified,
  isConnectionError,
  dockerMessage,
  startFailed,
} from './docker-errors.js';
import { exitedText } from './exit-text.js';

export interface Launched {
  id: string;
  hostPort: number | null;
  adopted: boolean;
}

type Inspected = Awaited<ReturnType<Docker.Container['inspect']>>;

async function inspectOrNull(docker: Docker, nameOrId: string): Promise<Inspected | null> {
  try {
    return await docker.getContainer(nameOrId).inspect();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * `beforeReplace` runs before a stopped container of the same deployment is removed to make way for a new one
 * (a restart after a crash): its log follower gets to read the last lines first.
 */
export async function launch(
  docker: Docker,
  plan: ContainerPlan,
  beforeReplace: (id: string) => Promise<void>,
): Promise<Launched> {
  const existing = await inspectOrNull(docker, plan.name);
  if (existing?.State.Running)
    return {
      id: existing.Id,
      hostPort: publishedPort(existing.NetworkSettings.Ports, plan.containerPort),
      adopted: true,
    };
  if (existing) {
    await beforeReplace(existing.Id);
    await docker
      .getContainer(existing.Id)
      .remove({ force: true })
      .catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
  }
  let id: string;
  try {
    id = (await docker.createContainer(createOptions(plan))).id;
  } catch (error) {
    if (isConnectionError(error)) throw error;
    if (isConflict(error)) {
      // Another start of the same deployment won the race for the name.
      const other = await inspectOrNull(docker, plan.name);
      if (other?.State.Running)
        return {
          id: other.Id,
          hostPort: publishedPort(other.NetworkSettings.Ports, plan.containerPort),
          adopted: true,
        };
    }
    throw startFailed(
      isNotFound(error) ? `image ${plan.image} is missing (${dockerMessage(error)})` : dockerMessage(error),
    );
  }
  const container = docker.getContainer(id);
  try {
    await container.start();
  } catch (error) {
    if (isConnectionError(error)) throw error;
    if (!isNotModified(error)) {
      // Typically "port is already allocated": leave nothing half-made behind.
      await container.remove({ force: true }).catch(() => undefined);
      throw startFailed(dockerMessage(error));
    }
  }
  const info = await container.inspect();
  if (!info.State.Running) throw startFailed(await exitedText(container, info));
  return { id, hostPort: publishedPort(info.NetworkSettings.Ports, plan.containerPort), adopted: false };
}
