// Public face of membership: heartbeats, the live view, remembered members.
export { Membership, LOST_AFTER_MS, HEARTBEAT_EVERY_MS, type Seen } from './membership.js';
