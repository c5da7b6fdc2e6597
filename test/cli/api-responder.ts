// A tiny stand-in for the node agents' API in tests, served through the one serve(): scripted handlers, recorded requests.
import type { NatsConnection } from '@nats-io/transport-node';
import { API_VERBS, CompartmentError, RPC, type ApiVerb } from '../../packages/protocol/index.js';
import { serve } from '../../cluster/rpc/index.js';

export type Handler = (body: any) => unknown | Promise<unknown>;

export interface Responder {
  requests: Array<{ verb: string; body: any }>;
  handlers: Partial<Record<ApiVerb, Handler>>;
  stop(): void;
}

/** A handler's return value becomes `{ok: true, result}`; a thrown CompartmentError becomes `{ok: false, error}`. */
export function startResponder(nc: NatsConnection, handlers: Partial<Record<ApiVerb, Handler>> = {}): Responder {
  const requests: Responder['requests'] = [];
  const subs = API_VERBS.map((verb) =>
    serve(nc, RPC.api[verb], undefined, async (body: unknown) => {
      requests.push({ verb, body });
      const handler = responder.handlers[verb];
      if (!handler) throw new CompartmentError('INTERNAL', `test responder has no handler for ${verb}`);
      return (await handler(body)) as never;
    }),
  );
  const responder: Responder = {
    requests,
    handlers,
    stop: () => {
      for (const s of subs) s.unsubscribe();
    },
  };
  return responder;
}
