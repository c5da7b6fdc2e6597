// What the claims need of the route store (read one route, compare-and-swap it): the store implements it, claims take it.
import type { RouteRecord } from '../../packages/protocol/index.js';

export interface VersionedRoute {
  key: string;
  revision: number;
  route: RouteRecord;
}

export interface RouteAccess {
  get(env: string, service: string): Promise<VersionedRoute | null>;
  /** Compare-and-swap: `expectedRevision` null means "must not exist yet"; a lost race is CONFLICT. */
  put(route: RouteRecord, expectedRevision: number | null): Promise<number>;
}
