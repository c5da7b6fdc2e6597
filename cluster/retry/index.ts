// Retrying transient NATS failures with bounded backoff.
export { withBackoff, isTransient, type BackoffOptions } from './backoff.js';
