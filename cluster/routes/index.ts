// Public face of routes: the desired-route store, its watch, and edge port claims.
export { RouteStore, type RouteChange, type VersionedRoute } from './route.store.js';
export { domainKey, type HeldClaim } from './domain-claims.js';
