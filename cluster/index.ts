// Public face of cluster/: everything that talks to NATS (connection, setup, stores, logs).
export * from './connection/index.js';
export * from './setup/index.js';
export * from './deployments/index.js';
export * from './routes/index.js';
export * from './sources/index.js';
export * from './logs/index.js';
export * from './variables/index.js';
export * from './secrets/index.js';
export { watchKv, type KvWatcher } from './kv/index.js';
export * from './retry/index.js';
