// The setup multinode tests share: a local cluster and a project pointed at it, once every node is alive and one leads.
import type { NodeInfo } from '../../packages/protocol/index.js';
import { startLocalCluster, type LocalCluster } from './local-cluster.js';
import { Project } from './project.js';
import { waitFor } from './wait.js';

export async function startClusterProject(
  size: number,
  files: Record<string, string>,
): Promise<{ cluster: LocalCluster; project: Project }> {
  const cluster = await startLocalCluster(size);
  const project = new Project(files, { COMPARTMENT_NATS_URL: cluster.natsUrl });
  await waitFor(
    `${size} live nodes and a leader`,
    async () => {
      const n = await project.json<NodeInfo[]>(['nodes']).catch(() => []);
      return n.filter((x) => x.state === 'alive').length === size && n.some((x) => x.leader);
    },
    60_000,
    250,
  );
  return { cluster, project };
}

/** A GET with a 3 s limit: the body of a 2xx answer, else null (refused, timed out, or an error status). */
export const getText = (url: string): Promise<string | null> =>
  fetch(url, { signal: AbortSignal.timeout(3000) }).then(
    async (r) => (r.ok ? r.text() : null),
    () => null,
  );

/** The instances (`<version>:<pid>`, as the test apps answer) that `count` GETs through an edge reached, with how many each. */
export async function answering(url: string, count = 60): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const m = /^version=(\S+) pid=(\d+)/.exec((await getText(url)) ?? '');
    if (m) seen.set(`${m[1]}:${m[2]}`, (seen.get(`${m[1]}:${m[2]}`) ?? 0) + 1);
  }
  return seen;
}
