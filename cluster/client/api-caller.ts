// What the shared client needs of a connection: the API's request/reply and the NATS connection it travels on.
import type { NatsConnection } from '@nats-io/nats-core';
import {
  CompartmentError,
  RPC,
  type ApiReply,
  type ApiRequest,
  type ApiRequestParsed,
  type ApiVerb,
} from '../../packages/protocol/index.js';
import { call } from '../rpc/index.js';

/** The CLI's ApiClient is one (it adds hints to errors); `apiCaller(nc)` makes one for the dashboard and tests. */
export interface ApiCaller {
  readonly nc: NatsConnection;
  request<V extends ApiVerb>(verb: V, body: ApiRequestParsed<V>, timeoutMs?: number): Promise<ApiReply<V>>;
}

export function apiCaller(nc: NatsConnection): ApiCaller {
  return {
    nc,
    request: (verb, body, timeoutMs = 30_000) =>
      call(nc, RPC.api[verb], undefined, body as ApiRequest<typeof verb>, { timeoutMs }) as never,
  };
}

/** Errors a long poll outlives: no agent answers for a moment (one restarts), or an answer was lost. */
export const isPassing = (error: unknown) =>
  error instanceof CompartmentError && (error.code === 'TIMEOUT' || error.code === 'CLUSTER_UNAVAILABLE');

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** The request's answer, or null as soon as `signal` aborts (the request itself cannot be taken back). */
export function unlessAborted<T>(request: Promise<T>, signal?: AbortSignal): Promise<T | null> {
  if (!signal) return request;
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const stop = () => resolve(null);
    signal.addEventListener('abort', stop, { once: true });
    request.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
