// Public face of secret sealing: the cluster key file and AES-256-GCM sealing of variable values.
export { clusterKey, newClusterKey, seal, open, keyIdOf, fingerprintKey, type ClusterKey } from './secret-box.js';
export { KeyRing, readKeyFile, writeKeyFile, ensureKeyFile, parseKeyFile } from './key-file.js';
