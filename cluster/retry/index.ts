// Retrying transient NATS failures with bounded backoff.
export { withBackoff, isTransient, sleep, type BackoffOptions } from './backoff.js';
