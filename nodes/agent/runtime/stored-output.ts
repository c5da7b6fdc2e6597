// Reads a deployment's output back from the log stream: what a Docker log follower resuming after a crash must not publish twice.
import { readLogs } from '../../../cluster/logs/index.js';
import type { ClusterConnection } from '../../../cluster/connection/index.js';
import type { StoredLine } from '../../../packages/docker-driver/index.js';
import type { DeploymentSpec } from '../../../machines/deployment/index.js';

/** More than a crash can leave stored but uncommitted; bounds the read when there is no cursor to start from. */
const MAX_LINES = 10_000;

export function storedOutputReader(conn: ClusterConnection) {
  return async (spec: DeploymentSpec, since: string | undefined): Promise<StoredLine[]> => {
    const filter = { env: spec.environmentName, service: spec.serviceName, deploymentId: spec.id };
    const { lines } = await readLogs(conn, filter, { tail: MAX_LINES, ...(since ? { since } : {}) });
    return lines.flatMap((l) => (l.stream === 'compartment' ? [] : [{ stream: l.stream, time: l.time, text: l.text }]));
  };
}
