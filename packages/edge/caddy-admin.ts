// A small client for Caddy's admin API (unix socket or TCP): readiness, the loaded config, in-flight requests per upstream.
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'node:http';
import { errorText, CompartmentError } from '../protocol/index.js';
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
  /** Caddy's Prometheus metrics, as text (per server: `caddy_http_*{server="r<port>"}`). */
  metrics(): Promise<string>;
}

interface Answer {
  status: number;
  text: string;
  json(): unknown;
}

/** `endpoint`: `unix:/path/to/admin.sock` (how the edge runs it) or `http://host:port`. */
export function caddyAdmin(endpoint: string, options: { requestTimeoutMs?: number } = {}): CaddyAdmin {
  const base = endpoint.replace(/\/+$/, '');
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const socketPath = base.startsWith('unix:') ? base.slice('unix:'.length) : null;
  const url = socketPath === null ? new URL(base) : null;

  function send(method: string, path: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = payload === undefined ? {} : { 'content-type': 'application/json' };
    // Over a unix socket Caddy only accepts an empty Host (RFC 7230: no Internet host to name).
    const target =
      socketPath !== null
        ? { socketPath, setHost: false, headers: { ...headers, Host: '' } }
        : { host: url!.hostname, port: url!.port, headers };
    return new Promise((resolve, reject) => {
      const req = request({ ...target, method, path, timeout: timeoutMs }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) as unknown }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async function call(method: string, path: string, body?: unknown): Promise<Answer> {
    let answer: Answer;
    try {
      answer = await send(method, path, body);
    } catch (error) {
      throw new CompartmentError(
        'INTERNAL',
        `Caddy's admin API at ${base} does not answer ${method} ${path}: ${errorText(error)}`,
      );
    }
    if (answer.status < 200 || answer.status > 299) {
      throw new CompartmentError(
        'INTERNAL',
        `Caddy's admin API answered ${method} ${path} with ${answer.status}: ${answer.text.trim()}`,
      );
    }
    return answer;
  }

  const upstreams = async (): Promise<UpstreamStatus[]> =>
    (await call('GET', '/reverse_proxy/upstreams')).json() as UpstreamStatus[];

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
          if (Date.now() > deadline)
            throw new CompartmentError(
              'TIMEOUT',
              `Caddy's admin API at ${base} not ready after ${readyTimeoutMs} ms: ${errorText(error)}`,
            );
        }
        await sleep(50);
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
    inFlightOf: async (deploymentId) =>
      sum(await upstreams(), (u) => deploymentOfUpstreamName(hostOf(u.address)) === deploymentId),
    metrics: async () => (await call('GET', '/metrics')).text,
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
