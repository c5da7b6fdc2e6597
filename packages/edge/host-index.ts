// Host name → route port, from the routes' domain lists: what the HTTPS server's per-host SRV lookups resolve through.
import { canonicalName } from './dns-names.js';

interface Holder {
  port: number;
  domains: readonly string[];
  /** When the route's list last changed: a name two routes list for a moment (a move) goes to the later one. */
  at: string;
}

export class HostIndex {
  readonly #routes = new Map<string, Holder>();
  #byHost = new Map<string, number>();

  /** Sets the domains of route `key` (served on route port `port`); an empty list removes it. */
  set(key: string, port: number, domains: readonly string[], at = ''): void {
    if (domains.length === 0) this.#routes.delete(key);
    else this.#routes.set(key, { port, domains: domains.map(canonicalName), at });
    this.#rebuild();
  }

  delete(key: string): void {
    if (this.#routes.delete(key)) this.#rebuild();
  }

  /** The route port serving `host` (any case, with or without a trailing dot), or undefined. */
  portOf(host: string): number | undefined {
    return this.#byHost.get(canonicalName(host));
  }

  has(host: string): boolean {
    return this.#byHost.has(canonicalName(host));
  }

  /** Every held domain with the key of the route that holds it. */
  entries(): Array<{ domain: string; key: string }> {
    const out: Array<{ domain: string; key: string }> = [];
    for (const [key, h] of this.#routes)
      for (const d of h.domains) if (this.#byHost.get(d) === h.port) out.push({ domain: d, key });
    return out.sort((a, b) => a.domain.localeCompare(b.domain));
  }

  /** Rebuilt whole on every change: a few hundred names at most, and no order of updates can leave a stale entry. */
  #rebuild(): void {
    const next = new Map<string, { port: number; at: string }>();
    for (const h of this.#routes.values()) {
      for (const d of h.domains) {
        const other = next.get(d);
        if (!other || h.at > other.at) next.set(d, { port: h.port, at: h.at });
      }
    }
    this.#byHost = new Map([...next].map(([d, v]) => [d, v.port]));
  }
}
