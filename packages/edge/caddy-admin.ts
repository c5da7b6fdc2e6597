// A small client for Caddy's admin API: readiness, the loaded config, and in-flight requests per upstream.
import { CompartmentError } from '../protocol/index.js';
import { canonicalName, deploymentOfUpstreamName } from './dns-names.js';

/** One entry of `GET /reverse_proxy/upstreams`. */
export interface UpstreamStatus {
  address: string;
  num_requests: number;
  fails: number;
}

export interface CaddyAdmin {
  readonly url: string;
  /** True when the admin endpoint answers at all. */
  ping(): Promise<boolean>;
  /** Polls until the admin endpoint answers; `signal` abandons the wait (it then rejects). */
  waitReady(timeoutMs?: number, signal?: AbortSignal): Promise<void>;
  config(): Promise<unknown>;
  /** Replaces the whole config (reloads Caddy, closing idle client connections): only ever at start. */
  load(config: unknown): Promise<void>;
  /** Asks Caddy to exit. */
  stop(): Promise<void>;
  /** Dynamic upstreams are listed (as `name.:port`) only while a request to them is in flight. */
  upstreams(): Promise<UpstreamStatus[]>;
  /** Requests in flight to `name:port` (the SRV target and port). */
  inFlight(upstreamName: string, port: number): Promise<number>;
  /** Requests in flight to any upstream of a deployment: the drain evidence. */
  inFlightOf(deploymentId: string): Promise<number>;
}

export function caddyAdmin(url: string, options: { requestTimeoutMs?: number } = {}): CaddyAdmin {
  const base = url.replace(/\/+$/, '');
  const timeoutMs = options.requestTimeoutMs ?? 5_000;

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new CompartmentError('INTERNAL', `Caddy's admin API at ${base} does not answer ${method} ${path}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      throw new CompartmentError('INTERNAL', `Caddy's admin API answered ${method} ${path} with ${response.status}: ${text.trim()}`);
    }
    return response;
  }

  const upstreams = async (): Promise<UpstreamStatus[]> => (await (await call('GET', '/reverse_proxy/upstreams')).json()) as UpstreamStatus[];

  return {
    url: base,
    ping: async () => {
      try {
        await call('GET', '/config/');
        return true;
      } catch {
        return false;
      }
    },
    waitReady: async (readyTimeoutMs = 15_000, signal) => {
      const deadline = Date.now() + readyTimeoutMs;
      for (;;) {
        if (signal?.aborted) throw new CompartmentError('INTERNAL', `stopped waiting for Caddy's admin API at ${base}`);
        try {
          await call('GET', '/config/');
          return;
        } catch (error) {
          if (Date.now() > deadline) throw new CompartmentError('TIMEOUT', `Caddy's admin API at ${base} not ready after ${readyTimeoutMs} ms: ${(error as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    config: async () => (await call('GET', '/config/')).json(),
    load: async (config) => {
      await call('POST', '/load', config);
    },
    stop: async () => {
      await call('POST', '/stop');
    },
    upstreams,
    inFlight: async (upstreamName, port) => {
      const wanted = `${canonicalName(upstreamName)}:${port}`;
      return sum(await upstreams(), (u) => addressKey(u.address) === wanted);
    },
    inFlightOf: async (deploymentId) => sum(await upstreams(), (u) => deploymentOfUpstreamName(hostOf(u.address)) === deploymentId),
  };
}

/** `name.:port` (how Caddy lists an SRV target) → `name:port`. */
function addressKey(address: string): string {
  const i = address.lastIndexOf(':');
  return i < 0 ? canonicalName(address) : `${canonicalName(address.slice(0, i))}${address.slice(i)}`;
}

/** The host part of an upstream address as Caddy lists it (`name.:port`). */
export function hostOf(address: string): string {
  const i = address.lastIndexOf(':');
  return i < 0 ? address : address.slice(0, i);
}

function sum(list: UpstreamStatus[], match: (u: UpstreamStatus) => boolean): number {
  return list.filter(match).reduce((n, u) => n + u.num_requests, 0);
}
