// Public face of key-lock: serialize async operations per key inside one process.
export { KeyLock } from './key-lock.js';
