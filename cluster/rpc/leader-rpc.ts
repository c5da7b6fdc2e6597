// Requests only the leader answers: the leader serves them while it holds the lease; others forward and wait out elections.
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { CompartmentError, subjects, type ErrorPayload } from '../../packages/protocol/index.js';

const ELECTION_WAIT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 60_000;

type Reply<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

/** Serves `verb` on the leader subject; `run` should throw CONFLICT when this node is no longer the leader. */
export function serveLeaderVerb(nc: NatsConnection, verb: string, run: (body: unknown) => Promise<unknown>): Subscription {
  return nc.subscribe(subjects.leader(verb), {
    callback: (_e, msg) => {
      void run(msg.json()).then(
        (result) => msg.respond(JSON.stringify({ ok: true, result })),
        (error) => msg.respond(JSON.stringify({ ok: false, error: error instanceof CompartmentError ? error.toPayload() : { code: 'INTERNAL', message: String(error) } })),
      );
    },
  });
}

/** Asks the leader; while there is none (an election) or it is stepping down, waits and asks again. */
export async function askLeader<T>(nc: NatsConnection, verb: string, body: unknown): Promise<T> {
  const deadline = Date.now() + ELECTION_WAIT_MS;
  for (;;) {
    let reply: Reply<T> | null = null;
    try {
      reply = (await nc.request(subjects.leader(verb), JSON.stringify(body), { timeout: REQUEST_TIMEOUT_MS })).json<Reply<T>>();
    } catch (error) {
      const noLeader = (error as { isNoResponders?: () => boolean }).isNoResponders?.() ?? false;
      if (!noLeader) throw new CompartmentError('TIMEOUT', `the leader did not answer "${verb}": ${(error as Error).message}`);
    }
    if (reply?.ok) return reply.result;
    if (reply && reply.error.code !== 'CONFLICT') throw CompartmentError.fromPayload(reply.error);
    if (Date.now() > deadline) throw new CompartmentError('CLUSTER_UNAVAILABLE', `no leader answered "${verb}" within ${ELECTION_WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
