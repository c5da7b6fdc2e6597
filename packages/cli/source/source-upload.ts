// Puts a source tarball into the sources object store under its digest, unless an object of that name is already there.
import type { NatsConnection } from '@nats-io/transport-node';
import type { ObjectStore } from '@nats-io/obj';
import { OBJECT_STORES } from '../../protocol/index.js';

export async function openSourceStore(nc: NatsConnection): Promise<ObjectStore> {
  const { Objm } = await import('@nats-io/obj');
  const objm = new Objm(nc);
  try {
    return await objm.open(OBJECT_STORES.sources);
  } catch {
    // A fresh cluster whose nodes have not created it yet: creating it is harmless (create opens if it exists).
    return objm.create(OBJECT_STORES.sources);
  }
}

/** Returns true if it uploaded, false if the store already held this digest (content-addressed: same name, same bytes). */
export async function uploadSource(store: ObjectStore, digest: string, bytes: Uint8Array): Promise<boolean> {
  const existing = await store.info(digest);
  if (existing && !existing.deleted) return false;
  await store.putBlob({ name: digest }, bytes);
  return true;
}
