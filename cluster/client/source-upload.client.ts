// Puts a source tarball into the cluster under its digest, unless the cluster already holds it.
import { OBJECT_STORES } from '../../packages/protocol/index.js';
import type { ApiCaller } from './api-caller.js';

/**
 * Returns true if it uploaded, false if the cluster already held this digest (content-addressed: same name, same
 * bytes). An unchanged source costs one request. `source.check` is answered by an agent, which created the store
 * with the cluster's settings when it started: a client never creates it.
 */
export async function uploadSource(api: ApiCaller, digest: string, bytes: Uint8Array): Promise<boolean> {
  const { present } = await api.request('source.check', { digest });
  if (present) return false;
  const [{ Objm }, { jetstream }] = await Promise.all([import('@nats-io/obj'), import('@nats-io/jetstream')]);
  // No JetStream API check and no store lookup: the put is the first request after the check.
  const store = await new Objm(jetstream(api.nc, { checkAPI: false })).open(OBJECT_STORES.sources, false);
  await store.putBlob({ name: digest }, bytes);
  return true;
}
