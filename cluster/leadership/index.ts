// Public face of leadership: the leader lease.
export { LeaderLease, type LeaseHolder } from './leader-lease.js';
