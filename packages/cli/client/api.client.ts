// Connects to NATS and calls the request/reply API through the cluster's one call(), adding what a person needs to hear.
import type { NatsConnection } from '@nats-io/transport-node';
import {
  API,
  CompartmentError,
  RPC,
  parseWith,
  type ApiReply,
  type ApiRequest,
  type ApiRequestParsed,
  type ApiVerb,
  errorText,
} from '../../protocol/index.js';
import { call } from '../../../cluster/rpc/index.js';
import { authOptions, type NatsAuth } from './nats-auth.js';

/** The CLI's NATS connection name: what the servers list it as, and what deployments record as the client that asked. */
export const CLI_CLIENT_NAME = 'compartment-cli';
const UP_HINT = 'start a local cluster with `compartment up`, or point --nats / COMPARTMENT_NATS_URL at one';

export interface ApiClient {
  readonly nc: NatsConnection;
  readonly url: string;
  request<V extends ApiVerb>(verb: V, body: ApiRequestParsed<V>, timeoutMs?: number): Promise<ApiReply<V>>;
  close(): Promise<void>;
}

/** Validates a request locally: bad input fails here, before a connection is even opened. */
export function validateRequest<V extends ApiVerb>(verb: V, body: ApiRequest<V>): ApiRequestParsed<V> {
  return parseWith(API[verb].request, body, 'INVALID_ARGUMENT') as ApiRequestParsed<V>;
}

export async function connectApi(url: string, timeoutMs = 3000, auth?: NatsAuth): Promise<ApiClient> {
  const { connect, AuthorizationError } = await import('@nats-io/transport-node');
  const options = await authOptions(auth);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, timeout: timeoutMs, name: CLI_CLIENT_NAME, ...options });
  } catch (error) {
    const why = errorText(error);
    if (error instanceof AuthorizationError || (error as { cause?: unknown })?.cause instanceof AuthorizationError) {
      const which = auth?.credsFile ? `the credentials in ${auth.credsFile}` : 'no credentials';
      throw new CompartmentError(
        'PERMISSION_DENIED',
        `NATS at ${url} refused ${which} (${why}); pass --nats-creds FILE or set COMPARTMENT_NATS_CREDS`,
      );
    }
    throw new CompartmentError('CLUSTER_UNAVAILABLE', `cannot reach NATS at ${url} (${why}); ${UP_HINT}`);
  }
  return {
    nc,
    url,
    request: (verb, body, timeout) => callApi(nc, url, verb, body, timeout),
    close: async () => {
      if (!nc.isClosed()) await nc.close().catch(() => undefined);
    },
  };
}

async function callApi<V extends ApiVerb>(
  nc: NatsConnection,
  url: string,
  verb: V,
  body: ApiRequestParsed<V>,
  timeoutMs = 30_000,
): Promise<ApiReply<V>> {
  try {
    return (await call(nc, RPC.api[verb], undefined, body as ApiRequest<V>, { timeoutMs })) as ApiReply<V>;
  } catch (error) {
    if (error instanceof CompartmentError && error.code === 'CLUSTER_UNAVAILABLE') {
      throw new CompartmentError(
        'CLUSTER_UNAVAILABLE',
        `${error.message} on ${url}: no Compartment node answers; ${UP_HINT}`,
      );
    }
    if (error instanceof CompartmentError && error.code === 'TIMEOUT') {
      throw new CompartmentError('TIMEOUT', `the cluster did not answer "${verb}" within ${timeoutMs} ms`);
    }
    throw error;
  }
}
