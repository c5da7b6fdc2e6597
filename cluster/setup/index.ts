// Public face of cluster setup: make sure every bucket and stream exists.
export {
  ensureCluster,
  logStreamConfig,
  DEFAULT_LOG_MAX_AGE_MS,
  DEFAULT_LOG_MAX_BYTES,
  LOG_DUPLICATE_WINDOW_MS,
  type EnsureClusterOptions,
} from './ensure-cluster.js';
