// Public face of cluster-stored environment variables.
export { VariableStore, StoredVariable, type VariableView, type SecretKeys } from './variable.store.js';
export { KeyMarker, KEY_MARKER } from './key-marker.js';
