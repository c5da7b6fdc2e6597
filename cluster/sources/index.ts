// Public face of the source store (object store by digest).
export { SourceStore } from './source.store.js';
