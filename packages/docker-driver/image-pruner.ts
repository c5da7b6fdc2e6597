// Removes a service's images (and stopped containers) of deployments nothing may roll back to; images in use stay.
import type Docker from 'dockerode';
import { keyOfLabels, labelFilter } from './docker-names.js';
import { isConflict, isNotFound } from './docker-errors.js';

export interface PruneScope {
  nodeId: string;
  env: string;
  service: string;
}

/** Returns the deployment ids whose image was removed. */
export async function pruneImages(docker: Docker, scope: PruneScope, keepIds: readonly string[]): Promise<string[]> {
  const keep = new Set(keepIds);
  const filters = { label: labelFilter(scope.nodeId, { env: scope.env, service: scope.service }) };
  // A stopped container holds its image; containers of kept deployments are left for their deployments to handle.
  for (const c of await docker.listContainers({ all: true, filters })) {
    const key = keyOfLabels(c.Labels);
    if (!key || keep.has(key.deploymentId) || !['exited', 'created', 'dead'].includes(c.State)) continue;
    await docker.getContainer(c.Id).remove({ force: true }).catch(ignoreGone);
  }
  const removed: string[] = [];
  for (const image of await docker.listImages({ filters })) {
    const key = keyOfLabels(image.Labels);
    if (!key || keep.has(key.deploymentId)) continue;
    try {
      await docker.getImage(image.Id).remove();
      removed.push(key.deploymentId);
    } catch (error) {
      // In use by a container, or tagged twice: not ours to force.
      if (!isConflict(error) && !isNotFound(error)) throw error;
    }
  }
  return removed;
}

function ignoreGone(error: unknown): void {
  if (!isNotFound(error) && !isConflict(error)) throw error;
}
