// Connects to NATS and calls the request/reply API, turning envelopes and transport failures into CompartmentErrors.
import { NoRespondersError, type NatsConnection } from '@nats-io/transport-node';
import {
  API,
  CHUNKED_REPLIES,
  READ_ONLY_VERBS,
  CompartmentError,
  isErrorCode,
  parseWith,
  subjects,
  type ApiReply,
  type ApiRequest,
  type ApiRequestParsed,
  type ApiVerb,
} from '../../protocol/index.js';
import { authOptions, type NatsAuth } from './nats-auth.js';

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
  const { connect } = await import('@nats-io/transport-node');
  const options = await authOptions(auth);
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, timeout: timeoutMs, name: 'compartment-cli', ...options });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (/authori[sz]ation|authentication/i.test(why)) {
      const which = auth?.credsFile ? `the credentials in ${auth.credsFile}` : 'no credentials';
      throw new CompartmentError('PERMISSION_DENIED', `NATS at ${url} refused ${which} (${why}); pass --nats-creds FILE or set COMPARTMENT_NATS_CREDS`);
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

/** Per attempt: a request a frozen node took (it keeps its queue-group subscription) is asked again elsewhere. */
const READ_ATTEMPTS = 3;
const READ_ATTEMPT_MS = 5_000;

async function callApi<V extends ApiVerb>(nc: NatsConnection, url: string, verb: V, body: ApiRequestParsed<V>, timeoutMs = 30_000): Promise<ApiReply<V>> {
  if (!READ_ONLY_VERBS.has(verb)) return callOnce(nc, url, verb, body, timeoutMs);
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(nc, url, verb, body, Math.min(timeoutMs, READ_ATTEMPT_MS));
    } catch (error) {
      if (!(error instanceof CompartmentError && error.code === 'TIMEOUT') || attempt >= READ_ATTEMPTS) throw error;
    }
  }
}

async function callOnce<V extends ApiVerb>(nc: NatsConnection, url: string, verb: V, body: ApiRequestParsed<V>, timeoutMs: number): Promise<ApiReply<V>> {
  const field = (CHUNKED_REPLIES as Partial<Record<ApiVerb, string>>)[verb];
  let raw: unknown;
  try {
    if (field) raw = await collectChunks(nc, verb, body, field, timeoutMs);
    else raw = (await nc.request(subjects.api(verb), JSON.stringify(body), { timeout: timeoutMs })).json();
  } catch (error) {
    throw transportError(error, url, verb, timeoutMs);
  }
  return unwrapEnvelope(verb, raw);
}

/** A reply too big for one message arrives as envelopes with `more: true`; their arrays are joined in order. */
async function collectChunks(nc: NatsConnection, verb: ApiVerb, body: unknown, field: string, timeoutMs: number): Promise<unknown> {
  const replies = await nc.requestMany(subjects.api(verb), JSON.stringify(body), { strategy: 'stall', stall: timeoutMs, maxWait: timeoutMs * 4 });
  let merged: { ok?: boolean; more?: boolean; result?: Record<string, unknown> } | null = null;
  for await (const msg of replies) {
    const part = msg.json<{ ok?: boolean; more?: boolean; result?: Record<string, unknown> }>();
    if (!merged || part.ok !== true || merged.ok !== true) merged = part;
    else merged = { ...part, result: { ...part.result, [field]: [...(merged.result![field] as unknown[]), ...(part.result![field] as unknown[])] } };
    if (part.more !== true) return merged;
  }
  const e = new Error('timeout');
  e.name = 'TimeoutError';
  throw e;
}

function transportError(error: unknown, url: string, verb: ApiVerb, timeoutMs: number): CompartmentError {
  const e = error as { name?: string; message?: string; isNoResponders?: () => boolean };
  // A single request reports it through RequestError.isNoResponders(); a chunked one (requestMany) as NoRespondersError.
  if (e?.isNoResponders?.() || error instanceof NoRespondersError) {
    return new CompartmentError('CLUSTER_UNAVAILABLE', `no Compartment node answers on ${url}; ${UP_HINT}`);
  }
  if (e?.name === 'TimeoutError' || /timeout/i.test(e?.name ?? '')) {
    return new CompartmentError('TIMEOUT', `the cluster did not answer "${verb}" within ${timeoutMs} ms`);
  }
  if (error instanceof SyntaxError) return new CompartmentError('INTERNAL', `the reply to "${verb}" is not JSON`);
  const cause = (error as { cause?: { name?: string } })?.cause;
  if (e?.name === 'PermissionViolationError' || cause?.name === 'PermissionViolationError' || /permissions violation/i.test(e?.message ?? '')) {
    return new CompartmentError('PERMISSION_DENIED', `NATS refused "${verb}" for the credentials in use (pass --nats-creds FILE of a role allowed to do this)`);
  }
  return new CompartmentError('CLUSTER_UNAVAILABLE', `request "${verb}" failed: ${e?.message ?? String(error)}`);
}

/** `{ok: true, result}` → result; `{ok: false, error}` → thrown with its code (unknown codes become INTERNAL). */
export function unwrapEnvelope<V extends ApiVerb>(verb: V, raw: unknown): ApiReply<V> {
  const envelope = raw as { ok?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; field?: unknown } } | null;
  if (envelope?.ok === false) {
    const { code, message, field } = envelope.error ?? {};
    const text = typeof message === 'string' ? message : `"${verb}" failed`;
    if (!isErrorCode(code)) return fail(new CompartmentError('INTERNAL', `${text} (unknown error code ${JSON.stringify(code)})`));
    return fail(new CompartmentError(code, text, typeof field === 'string' ? field : undefined));
  }
  if (envelope?.ok !== true) return fail(new CompartmentError('INTERNAL', `the reply to "${verb}" is not a reply envelope`));
  const parsed = API[verb].reply.safeParse(envelope.result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(new CompartmentError('INTERNAL', `the reply to "${verb}" does not match its schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`));
  }
  return parsed.data as ApiReply<V>;
}

function fail(error: CompartmentError): never {
  throw error;
}
