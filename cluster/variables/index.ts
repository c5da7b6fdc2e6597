// Public face of cluster-stored environment variables.
export { VariableStore, StoredVariable, type VariableView } from './variable.store.js';
