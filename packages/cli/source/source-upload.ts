// Puts a source tarball into the sources object store under its digest, unless an object of that name is already there.
import type { NatsConnection } from '@nats-io/transport-node';
import type { ObjectStore } from '@nats-io/obj';
import { OBJECT_STORES } from '../../protocol/index.js';

export interface SourceStore {
  store: ObjectStore;
  /** Creates the store (a fresh cluster whose nodes have not yet); harmless if it exists. */
  create(): Promise<ObjectStore>;
}

/** Opens without asking the server anything: the digest lookup that follows is the first request, and tells a missing store. */
export async function openSourceStore(nc: NatsConnection): Promise<SourceStore> {
  const [{ Objm }, { jetstream }] = await Promise.all([import('@nats-io/obj'), import('@nats-io/jetstream')]);
  // No JetStream API check either: a server without JetStream fails the lookup just the same.
  const objm = new Objm(jetstream(nc, { checkAPI: false }));
  return { store: await objm.open(OBJECT_STORES.sources, false), create: () => objm.create(OBJECT_STORES.sources) };
}

/**
 * Returns true if it uploaded, false if the store already held this digest (content-addressed: same name, same
 * bytes). An unchanged source costs one request.
 */
export async function uploadSource(sources: SourceStore, digest: string, bytes: Uint8Array): Promise<boolean> {
  let { store } = sources;
  try {
    const existing = await store.info(digest);
    if (existing && !existing.deleted) return false;
  } catch (error) {
    if ((error as Error).name !== 'StreamNotFoundError') throw error;
    store = await sources.create();
  }
  await store.putBlob({ name: digest }, bytes);
  return true;
}
