// Public face of the NATS connection: connect once, share the handles.
export { connectCluster, type ClusterConnection, type ConnectOptions } from './connection.js';
