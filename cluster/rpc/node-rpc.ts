// Requests one node agent answers for the others: deliver an event to an actor it hosts, stop a workload it runs.
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { CompartmentError, subjects, type DeploymentRecord, type ErrorPayload } from '../../packages/protocol/index.js';

/** A statechart event as it travels between nodes (cluster/ does not know the machine's event types). */
export type WireEvent = { type: string; at: string } & Record<string, unknown>;


const RPC_TIMEOUT_MS = 15_000;

type Reply<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

export interface NodeRpcHandlers {
  deliver(id: string, event: WireEvent): Promise<DeploymentRecord>;
  stop(id: string): Promise<void>;
}

function answer<T>(run: () => Promise<T>): Promise<string> {
  return run().then(
    (result) => JSON.stringify({ ok: true, result }),
    (error) => JSON.stringify({ ok: false, error: error instanceof CompartmentError ? error.toPayload() : { code: 'INTERNAL', message: String(error) } }),
  );
}

export function serveNodeRpc(nc: NatsConnection, nodeId: string, handlers: NodeRpcHandlers): Subscription[] {
  const on = (verb: string, run: (body: { id: string; event?: WireEvent }) => Promise<unknown>) =>
    nc.subscribe(subjects.node(nodeId, verb), {
      callback: (_e, msg) => void answer(() => run(msg.json())).then((reply) => msg.respond(reply)),
    });
  return [on('deliver', (b) => handlers.deliver(b.id, b.event!)), on('stop', (b) => handlers.stop(b.id))];
}

async function call<T>(nc: NatsConnection, nodeId: string, verb: string, body: object): Promise<T> {
  let reply: Reply<T>;
  try {
    reply = (await nc.request(subjects.node(nodeId, verb), JSON.stringify(body), { timeout: RPC_TIMEOUT_MS })).json<Reply<T>>();
  } catch (error) {
    throw new CompartmentError('CLUSTER_UNAVAILABLE', `node ${nodeId} did not answer "${verb}": ${(error as Error).message}`);
  }
  if (!reply.ok) throw CompartmentError.fromPayload(reply.error);
  return reply.result;
}

export const deliverRemote = (nc: NatsConnection, nodeId: string, id: string, event: WireEvent) =>
  call<DeploymentRecord>(nc, nodeId, 'deliver', { id, event });

export const stopRemote = (nc: NatsConnection, nodeId: string, id: string) => call<void>(nc, nodeId, 'stop', { id });
