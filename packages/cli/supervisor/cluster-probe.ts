// Whether the local cluster's supervisor runs and whether its API answers, as `up`, `up --detach` and `down` need to know.
import { CompartmentError } from '../../protocol/index.js';
import { connectApi, validateRequest } from '../client/api.client.js';
import type { NatsAuth } from '../client/nats-auth.js';
import { isOurs } from './process-check.js';

/** The pid is alive and (where /proc tells) is a `compartment up` process, not a recycled pid. */
export function isSupervisor(pid: number | null | undefined): pid is number {
  return isOurs(pid, (argv) => argv.includes('up'));
}

/** Every node agent and every edge of a cluster of `members` nodes is live (so routes answer through each edge). */
export async function clusterReady(natsUrl: string, members: number, auth?: NatsAuth): Promise<boolean> {
  let client: Awaited<ReturnType<typeof connectApi>>;
  try {
    client = await connectApi(natsUrl, 1000, auth);
  } catch {
    return false;
  }
  try {
    const { nodes, edges } = await client.request('nodes', validateRequest('nodes', {}), 2000);
    const alive = (xs: Array<{ state: string }>) => xs.filter((x) => x.state === 'alive').length;
    return alive(nodes) >= members && alive(edges) >= members;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

/** Any reply envelope to `status`, even an error one, means a node agent serves the API. */
export async function apiAnswers(natsUrl: string, auth?: NatsAuth): Promise<boolean> {
  let client: Awaited<ReturnType<typeof connectApi>>;
  try {
    client = await connectApi(natsUrl, 1000, auth);
  } catch {
    return false;
  }
  try {
    await client.request('status', validateRequest('status', {}), 2000);
    return true;
  } catch (error) {
    return error instanceof CompartmentError && error.code !== 'CLUSTER_UNAVAILABLE' && error.code !== 'TIMEOUT';
  } finally {
    await client.close();
  }
}
