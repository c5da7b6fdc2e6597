// The edge's in-memory route table: route port → where its traffic goes, with change notification.
import { isIP } from 'node:net';
import { CompartmentError, DEPLOYMENT_ID_PATTERN } from '../protocol/index.js';

export interface RouteUpstream {
  /** An IP literal: the DNS responder answers it as the A/AAAA record of the upstream's name. */
  host: string;
  port: number;
}

export interface RouteEntry {
  port: number;
  /** The deployment traffic goes to; null (with no upstreams) for a route that exists but has nowhere to go yet. */
  deploymentId: string | null;
  upstreams: readonly RouteUpstream[];
  /** Monotonic per port (e.g. the KV revision): a write older than what the table holds is ignored. */
  revision: number;
}

export interface RouteTableChange {
  port: number;
  previous: RouteEntry | null;
  current: RouteEntry | null;
}

export type RouteListener = (change: RouteTableChange) => void;

export class RouteTable {
  readonly #entries = new Map<number, RouteEntry>();
  readonly #listeners = new Set<RouteListener>();

  /**
   * Sets a route. Returns false (and changes nothing) when the table already holds a newer revision for the
   * port; setting the same content again is a no-op that returns true, so replaying a watch is harmless.
   */
  set(input: RouteEntry): boolean {
    const entry = validate(input);
    const previous = this.#entries.get(entry.port) ?? null;
    if (previous && entry.revision < previous.revision) return false;
    if (previous && sameRoute(previous, entry)) return true;
    this.#entries.set(entry.port, entry);
    this.#emit({ port: entry.port, previous, current: entry });
    return true;
  }

  /** Removes a route; a `revision` older than the held entry's is ignored (returns false). */
  delete(port: number, revision?: number): boolean {
    const previous = this.#entries.get(port);
    if (!previous) return true;
    if (revision !== undefined && revision < previous.revision) return false;
    this.#entries.delete(port);
    this.#emit({ port, previous, current: null });
    return true;
  }

  get(port: number): RouteEntry | undefined {
    return this.#entries.get(port);
  }

  all(): RouteEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.port - b.port);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: RouteListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: RouteTableChange): void {
    for (const listener of this.#listeners) {
      // A failing listener must not stop the others, nor undo a change that already happened.
      try {
        listener(change);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

function sameRoute(a: RouteEntry, b: RouteEntry): boolean {
  return (
    a.revision === b.revision &&
    a.deploymentId === b.deploymentId &&
    a.upstreams.length === b.upstreams.length &&
    a.upstreams.every((u, i) => u.host === b.upstreams[i].host && u.port === b.upstreams[i].port)
  );
}

const isPort = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 65535;

function validate(input: RouteEntry): RouteEntry {
  const bad = (field: string, why: string) => new CompartmentError('INVALID_ARGUMENT', `route ${field} ${why}`, field);
  if (!isPort(input.port)) throw bad('port', 'must be an integer port 1-65535');
  if (!Number.isInteger(input.revision) || input.revision < 0) throw bad('revision', 'must be a non-negative integer');
  if (input.deploymentId !== null && !DEPLOYMENT_ID_PATTERN.test(input.deploymentId))
    throw bad('deploymentId', 'is not a deployment id');
  if (input.deploymentId === null && input.upstreams.length > 0)
    throw bad('upstreams', 'need a deploymentId to be named after');
  const upstreams = input.upstreams.map((u, i) => {
    if (isIP(u.host) === 0) throw bad(`upstreams.${i}.host`, `must be an IP address, not "${u.host}"`);
    if (!isPort(u.port)) throw bad(`upstreams.${i}.port`, 'must be an integer port 1-65535');
    return Object.freeze({ host: u.host, port: u.port });
  });
  return Object.freeze({
    port: input.port,
    deploymentId: input.deploymentId,
    upstreams: Object.freeze(upstreams),
    revision: input.revision,
  });
}
