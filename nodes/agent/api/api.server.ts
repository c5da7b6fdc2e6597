// Serves the NATS request/reply API: one endpoint per verb in a queue group, zod-validated both ways, errors as codes.
import { Svcm } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  API,
  API_QUEUE_GROUP,
  API_SERVICE_NAME,
  API_VERBS,
  CompartmentError,
  parseWith,
  subjects,
  type ApiReply,
  type ApiRequestParsed,
  type ApiVerb,
  type ErrorPayload,
} from '../../../packages/protocol/index.js';

export type ApiHandlers = { [V in ApiVerb]: (request: ApiRequestParsed<V>) => Promise<ApiReply<V>> };

export interface ApiServer {
  stop(): Promise<void>;
}

function errorPayload(error: unknown): ErrorPayload {
  if (error instanceof CompartmentError) return error.toPayload();
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function decodeBody(data: Uint8Array): unknown {
  if (data.length === 0) return {};
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    throw new CompartmentError('INVALID_ARGUMENT', 'the request body is not JSON');
  }
}

export async function serveApi(
  nc: NatsConnection,
  handlers: ApiHandlers,
  meta: { nodeId: string; version: string },
  onInternalError: (verb: ApiVerb, error: unknown) => void,
): Promise<ApiServer> {
  const service = await new Svcm(nc).add({
    name: API_SERVICE_NAME,
    version: meta.version,
    description: 'Compartment deployment API',
    queue: API_QUEUE_GROUP,
    metadata: { node: meta.nodeId },
  });
  for (const verb of API_VERBS) {
    service.addEndpoint(verb.replace('.', '_'), {
      subject: subjects.api(verb),
      handler: (_err, msg) => {
        void (async () => {
          let reply: unknown;
          try {
            const body = decodeBody(msg.data);
            const request = parseWith(API[verb].request, body, 'INVALID_ARGUMENT');
            const result = await (handlers[verb] as (r: unknown) => Promise<unknown>)(request);
            // Validate our own replies too: a client must never receive a shape the protocol does not promise.
            reply = { ok: true, result: parseWith(API[verb].reply, result, 'INTERNAL', `reply of ${verb}: `) };
          } catch (error) {
            const payload = errorPayload(error);
            if (payload.code === 'INTERNAL') onInternalError(verb, error);
            reply = { ok: false, error: payload };
          }
          msg.respond(JSON.stringify(reply));
        })();
      },
    });
  }
  return { stop: () => service.stop().then(() => undefined) };
}
