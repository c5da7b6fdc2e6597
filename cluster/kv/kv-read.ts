// One-shot reads of a KV bucket: every current entry under a key filter, and the last entry matching a wildcard.
import type { ClusterConnection } from '../connection/index.js';
import { keyOf, kvStream, kvSubject, operationOf, type RawEntry } from './kv-entry.js';
import { watchKv } from './kv-watch.js';

/** Current entries (deletes left out) under `keyFilter`, in revision order. One consumer, one pass. */
export async function readAllKv(conn: ClusterConnection, bucket: string, keyFilter: string): Promise<RawEntry[]> {
  await conn.whenConnected();
  const found = new Map<string, RawEntry>();
  let failure: Error | null = null;
  const watcher = watchKv(conn, bucket, keyFilter, {
    onEntry: (entry) => {
      if (entry.operation === 'PUT') found.set(entry.key, entry);
      else found.delete(entry.key);
    },
    onError: (error) => (failure = error),
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      watcher.ready,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(failure ?? new Error(`reading ${bucket} timed out`)), 10_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await watcher.stop();
  }
  return [...found.values()].sort((a, b) => a.revision - b.revision);
}

/** The newest entry whose key matches a wildcard filter (the server finds it; nothing is scanned here). */
export async function lastKv(conn: ClusterConnection, bucket: string, keyFilter: string): Promise<RawEntry | null> {
  await conn.whenConnected();
  // Read from the stream leader (not a direct get from any replica) so a CAS right after sees the same revision.
  const sm = await conn.jsm.streams.getMessage(kvStream(bucket), { last_by_subj: kvSubject(bucket, keyFilter) });
  if (!sm) return null;
  const entry: RawEntry = {
    key: keyOf(bucket, sm.subject),
    revision: sm.seq,
    operation: operationOf(sm.header),
    data: sm.data,
    created: sm.time,
  };
  return entry.operation === 'PUT' ? entry : null;
}
