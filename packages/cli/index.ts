// Public face of the CLI package: the entry point and the pieces other tools (and tests) reuse.
export { runCli } from './run-cli.js';
export { resolveNatsUrl, DEFAULT_NATS_URL } from './client/nats-url.js';
export { connectApi, validateRequest, type ApiClient } from './client/api.client.js';
export { packSource, digestOf, type SourceTarball } from './source/source-tarball.js';
export { listSourceFiles, DEFAULT_IGNORES, IGNORE_FILE } from './source/source-files.js';
export { readContext, readClusterFile, type ClusterContext, type ClusterPorts } from './supervisor/cluster-files.js';
export { serverArgs } from './supervisor/server-args.js';
