// Calls the requests declared in packages/protocol's RPC: validated both ways, transport failures as coded errors.
import { NoRespondersError, PermissionViolationError, TimeoutError, type NatsConnection } from '@nats-io/nats-core';
import {
  CompartmentError,
  parseWith,
  type AnyRpc,
  type RpcReply,
  type RpcRequest,
} from '../../packages/protocol/index.js';
import { decodeJson, decodeReply, mergeChunk } from './rpc.codec.js';

export interface CallOptions {
  timeoutMs?: number;
}

/** Per attempt of a read-only request: one a frozen node took (it keeps its queue-group subscription) is asked again. */
const READ_ATTEMPTS = 3;
const READ_ATTEMPT_MS = 5_000;
const DEFAULT_TIMEOUT_MS = 30_000;

function isNoResponders(error: unknown): boolean {
  return (
    error instanceof NoRespondersError || ((error as { isNoResponders?: () => boolean })?.isNoResponders?.() ?? false)
  );
}

function transportError(error: unknown, spec: AnyRpc, timeoutMs: number): CompartmentError {
  if (error instanceof CompartmentError) return error;
  if (isNoResponders(error)) return new CompartmentError('CLUSTER_UNAVAILABLE', `nothing answers ${spec.name}`);
  if (
    error instanceof PermissionViolationError ||
    (error as { cause?: unknown })?.cause instanceof PermissionViolationError
  ) {
    return new CompartmentError(
      'PERMISSION_DENIED',
      `NATS refused ${spec.name} for the credentials in use (use --nats-creds FILE of a role allowed to do this)`,
    );
  }
  if (error instanceof TimeoutError || (error as { cause?: unknown })?.cause instanceof TimeoutError) {
    return new CompartmentError('TIMEOUT', `${spec.name} was not answered within ${timeoutMs} ms`);
  }
  return new CompartmentError(
    'CLUSTER_UNAVAILABLE',
    `${spec.name} failed: ${(error as Error)?.message ?? String(error)}`,
  );
}

/** A reply too big for one message arrives as envelopes with `more: true`; their arrays are joined in order. */
async function collectChunks(
  nc: NatsConnection,
  spec: AnyRpc,
  subject: string,
  payload: string,
  timeoutMs: number,
): Promise<unknown> {
  const replies = await nc.requestMany(subject, payload, {
    strategy: 'stall',
    stall: timeoutMs,
    maxWait: timeoutMs * 4,
  });
  let merged: unknown = null;
  for await (const msg of replies) {
    const step = mergeChunk(spec, merged, decodeJson(msg.data));
    merged = step.envelope;
    if (!step.more) return merged;
  }
  throw new CompartmentError(
    'TIMEOUT',
    `${spec.name}: the last part of a chunked reply did not arrive within ${timeoutMs} ms`,
  );
}

async function callOnce<S extends AnyRpc>(
  nc: NatsConnection,
  spec: S,
  subject: string,
  payload: string,
  timeoutMs: number,
): Promise<RpcReply<S>> {
  let raw: unknown;
  try {
    raw = spec.chunked
      ? await collectChunks(nc, spec, subject, payload, timeoutMs)
      : decodeJson((await nc.request(subject, payload, { timeout: timeoutMs })).data);
  } catch (error) {
    throw transportError(error, spec, timeoutMs);
  }
  return decodeReply(spec, raw);
}

/** The request as it travels: validated against its schema first, so bad input never leaves the caller. */
const encodeRequest = <S extends AnyRpc>(spec: S, body: RpcRequest<S>) =>
  JSON.stringify(parseWith(spec.request, body, 'INVALID_ARGUMENT'));

/** One request; bad input fails here, before it travels. A read-only request that times out is asked again. */
export async function call<S extends AnyRpc>(
  nc: NatsConnection,
  spec: S,
  params: Parameters<S['subject']>[0],
  body: RpcRequest<S>,
  opts: CallOptions = {},
): Promise<RpcReply<S>> {
  const payload = encodeRequest(spec, body);
  const subject = spec.subject(params);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!spec.readOnly) return callOnce(nc, spec, subject, payload, timeoutMs);
  for (let attempt = 1; ; attempt++) {
    try {
      return await callOnce(nc, spec, subject, payload, Math.min(timeoutMs, READ_ATTEMPT_MS));
    } catch (error) {
      if (!(error instanceof CompartmentError && error.code === 'TIMEOUT') || attempt >= READ_ATTEMPTS) throw error;
    }
  }
}

/**
 * Every responder's reply within `maxWaitMs` (a fan-out spec): with `expected` it stops once that many answered,
 * otherwise once replies stall for 50 ms. Replies that are malformed or errors are dropped; none is an empty list.
 */
export async function gather<S extends AnyRpc>(
  nc: NatsConnection,
  spec: S,
  params: Parameters<S['subject']>[0],
  body: RpcRequest<S>,
  opts: { expected?: number; maxWaitMs?: number } = {},
): Promise<Array<RpcReply<S>>> {
  const payload = encodeRequest(spec, body);
  const expected = opts.expected ?? 0;
  const strategy =
    expected > 0
      ? ({ strategy: 'count', maxMessages: expected } as const)
      : ({ strategy: 'stall', stall: 50 } as const);
  const out: Array<RpcReply<S>> = [];
  try {
    for await (const msg of await nc.requestMany(spec.subject(params), payload, {
      ...strategy,
      maxWait: opts.maxWaitMs ?? 500,
    })) {
      try {
        out.push(decodeReply(spec, decodeJson(msg.data)));
      } catch {
        // One bad responder must not hide the others.
      }
    }
  } catch {
    // No responders: the caller sees an empty list and decides what that means.
  }
  return out;
}
