// Shared KV plumbing for the stores in cluster/: raw entries, watches that survive restarts, one-shot reads.
export {
  type RawEntry,
  type KvOperation,
  isWrongLastSequence,
  rethrowKv,
  jsonOf,
  kvStream,
  kvSubject,
} from './kv-entry.js';
export { watchKv, type KvWatcher, type KvWatchHandlers } from './kv-watch.js';
export { readAllKv, lastKv } from './kv-read.js';
export { retryOnConflict } from './cas-retry.js';
export { changeOf, parseEntry, type KvChange, type Parsed } from './kv-change.js';
