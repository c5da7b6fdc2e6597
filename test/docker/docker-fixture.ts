// What the Docker tests look at on the engine (a node's containers and images, by label) and how they clean it up.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { LABELS, defaultDockerSocket } from '../../packages/docker-driver/index.js';

export const docker = new Docker({ socketPath: defaultDockerSocket() });

/** The node id `compartment up` made up for this project (remembered in its data dir). */
export function nodeIdOf(projectDir: string): string {
  const find = (dir: string): string | null => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node-id') return readFileSync(path, 'utf8').trim();
      if (statSync(path).isDirectory()) {
        const found = find(path);
        if (found) return found;
      }
    }
    return null;
  };
  const id = find(join(projectDir, '.compartment'));
  if (!id) throw new Error(`no node-id under ${projectDir}/.compartment`);
  return id;
}

const filters = (nodeId: string, more: Record<string, string> = {}) => ({
  label: [`${LABELS.node}=${nodeId}`, ...Object.entries(more).map(([k, v]) => `${k}=${v}`)],
});

export function containersOf(nodeId: string, more: Record<string, string> = {}) {
  return docker.listContainers({ all: true, filters: filters(nodeId, more) });
}

export function imagesOf(nodeId: string, more: Record<string, string> = {}) {
  return docker.listImages({ filters: filters(nodeId, more) });
}

/** Removes every container and image the project's node left on the engine (also after a failed test). */
export async function removeDockerObjects(nodeId: string | null): Promise<void> {
  if (!nodeId) return;
  for (const c of await containersOf(nodeId).catch(() => []))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  for (const i of await imagesOf(nodeId).catch(() => []))
    await docker
      .getImage(i.Id)
      .remove({ force: true })
      .catch(() => undefined);
}
