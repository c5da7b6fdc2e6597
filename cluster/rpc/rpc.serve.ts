// Answers the requests declared in packages/protocol's RPC: nothing a message holds can throw out of a callback.
import { Svcm } from '@nats-io/services';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import type { z } from 'zod';
import { MAX_REPLY_BYTES, parseWith, type AnyRpc, type RpcRequestParsed } from '../../packages/protocol/index.js';
import { decodeBody, encodeReply, errorPayload } from './rpc.codec.js';
import type { ReplyMemo } from './reply-memo.js';

export type RpcHandler<S extends AnyRpc> = (
  request: RpcRequestParsed<S>,
  msg: { subject: string },
) => Promise<z.input<S['reply']>>;
/** Told of every INTERNAL error (a bug or a broken dependency, not bad input), and of a reply that could not be sent. */
export type OnInternalError = (name: string, error: unknown) => void;

export interface ServeOptions {
  /** Answer as one of a queue group: one member gets each request. */
  queue?: string;
  onInternalError?: OnInternalError;
}

/** Room below the connection's max_payload for NATS's own framing. */
export function replyLimit(nc: NatsConnection): number {
  const max = nc.info?.max_payload;
  return max ? Math.min(MAX_REPLY_BYTES, max - 1024) : MAX_REPLY_BYTES;
}

/**
 * Any role allowed to create a JetStream consumer or call the JetStream API picks where the server delivers, and
 * nats-server 2.9 does not check that subject against the role's permissions: a stored value could be delivered onto
 * `compartment.node.<id>.deliver`. Such deliveries carry a `$JS.` reply or none; every real request carries its
 * requester's inbox (every role's inbox prefix starts `_INBOX`). So only those reach a handler.
 */
const decoder = new TextDecoder();

const fromRequester = (msg: Msg) => typeof msg.reply === 'string' && msg.reply.startsWith('_INBOX');

/**
 * Parses, validates and runs one request inside its own promise, answers every failure with a coded envelope, and
 * never throws: a synchronous throw in a subscription callback would end the client's read loop for every subject.
 */
export function answer<S extends AnyRpc>(
  nc: NatsConnection,
  spec: S,
  handler: RpcHandler<S>,
  msg: Msg,
  onInternalError?: OnInternalError,
  memo?: ReplyMemo,
): void {
  if (!fromRequester(msg)) return;
  const run = async () => {
    let envelope: Parameters<typeof encodeReply>[1];
    let remember: { key: string; version: number; body: string } | null = null;
    try {
      const body = memo ? decoder.decode(msg.data) : '';
      if (memo?.answeredBody(body, msg)) return;
      const request = parseWith(spec.request, decodeBody(msg.data), 'INVALID_ARGUMENT');
      if (memo) {
        // The parsed request (defaults filled, fields in schema order) is the key: equal questions, one entry.
        const key = JSON.stringify(request);
        const fresh = memo.answered(key, msg, body);
        if (!fresh) return;
        remember = { key, version: fresh.version, body };
      }
      envelope = { ok: true, result: await handler(request as RpcRequestParsed<S>, { subject: msg.subject }) };
    } catch (error) {
      const payload = errorPayload(error);
      if (payload.code === 'INTERNAL') onInternalError?.(spec.name, error);
      envelope = { ok: false, error: payload };
      remember = null;
    }
    const parts = encodeReply(spec, envelope, replyLimit(nc));
    if (remember) memo!.store(remember.key, remember.version, parts, remember.body);
    for (const part of parts) msg.respond(part);
  };
  run().catch((error: unknown) => onInternalError?.(spec.name, error));
}

export function serve<S extends AnyRpc>(
  nc: NatsConnection,
  spec: S,
  params: Parameters<S['subject']>[0],
  handler: RpcHandler<S>,
  opts: ServeOptions = {},
): Subscription {
  return nc.subscribe(spec.subject(params), {
    ...(opts.queue ? { queue: opts.queue } : {}),
    callback: (error, msg) => {
      if (error) opts.onInternalError?.(spec.name, error);
      else answer(nc, spec, handler, msg, opts.onInternalError);
    },
  });
}

export interface ServiceInfo {
  name: string;
  version: string;
  description: string;
  queue: string;
  metadata: Record<string, string>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Endpoint = { spec: AnyRpc; handler: RpcHandler<any>; memo?: ReplyMemo };

/** Like serve(), as endpoints of a NATS micro-service, so `$SRV.PING`/`$SRV.INFO` list them to any client. */
export async function serveService(
  nc: NatsConnection,
  info: ServiceInfo,
  endpoints: Endpoint[],
  onInternalError?: OnInternalError,
): Promise<{ stop(): Promise<void> }> {
  const service = await new Svcm(nc).add(info);
  for (const { spec, handler, memo } of endpoints) {
    service.addEndpoint(spec.name.replace(/^api\./, '').replace(/\./g, '_'), {
      subject: spec.subject(undefined),
      handler: (error, msg) => {
        if (error) onInternalError?.(spec.name, error);
        else answer(nc, spec, handler, msg, onInternalError, memo);
      },
    });
  }
  return { stop: () => service.stop().then(() => undefined) };
}
