// A tiny stand-in for the node agents' API in tests: answers compartment.api.* with scripted envelopes and records requests.
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { CompartmentError, subjects, type ApiVerb } from '../../packages/protocol/index.js';

export type Handler = (body: any) => unknown | Promise<unknown>;

export interface Responder {
  requests: Array<{ verb: string; body: any }>;
  handlers: Partial<Record<ApiVerb, Handler>>;
  stop(): void;
}

const PREFIX = subjects.api('status').replace(/status$/, '');

/** A handler's return value becomes `{ok: true, result}`; a thrown CompartmentError becomes `{ok: false, error}`. */
export function startResponder(nc: NatsConnection, handlers: Partial<Record<ApiVerb, Handler>> = {}): Responder {
  const requests: Responder['requests'] = [];
  const sub = nc.subscribe(subjects.apiWildcard, {
    callback: (_err, msg) => void answer(msg),
  });
  const answer = async (msg: Msg) => {
    const verb = msg.subject.slice(PREFIX.length);
    const body = msg.json();
    requests.push({ verb, body });
    const handler = responder.handlers[verb as ApiVerb];
    try {
      if (!handler) throw new CompartmentError('INTERNAL', `test responder has no handler for ${verb}`);
      msg.respond(JSON.stringify({ ok: true, result: await handler(body) }));
    } catch (error) {
      const payload = error instanceof CompartmentError ? error.toPayload() : { code: 'INTERNAL', message: String(error) };
      msg.respond(JSON.stringify({ ok: false, error: payload }));
    }
  };
  const responder: Responder = { requests, handlers, stop: () => sub.unsubscribe() };
  return responder;
}
