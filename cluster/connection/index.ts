// Public face of the NATS connection: connect once, share the handles.
export { credentialsOptions, securityOptions, SECURITY_FLAGS, type SecurityFlags } from './security.js';
export { connectCluster, type ClusterConnection, type ConnectOptions } from './connection.js';
