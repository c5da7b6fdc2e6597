// Requests one node agent answers for the others: deliver an event to an actor it hosts, stop a workload, its journal.
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import {
  RPC,
  type DeploymentRecord,
  type MachineEvent,
  type RpcReply,
  type RpcRequestParsed,
  type TransitionReport,
} from '../../packages/protocol/index.js';
import { call } from './rpc.call.js';
import { serve, type OnInternalError } from './rpc.serve.js';

const RPC_TIMEOUT_MS = 15_000;

export interface NodeRpcHandlers {
  deliver(id: string, event: MachineEvent): Promise<DeploymentRecord>;
  stop(id: string): Promise<void>;
  /** The node's journal of a deployment's transitions, or null when it has none. */
  transitions(id: string): TransitionReport[] | null;
  /** One instance of a deployment another node owns. */
  instance(req: InstanceRequest): Promise<InstanceReply>;
}

export type InstanceRequest = RpcRequestParsed<typeof RPC.nodeInstance>;
export type InstanceReply = RpcReply<typeof RPC.nodeInstance>;

export function serveNode(
  nc: NatsConnection,
  nodeId: string,
  handlers: NodeRpcHandlers,
  onInternalError?: OnInternalError,
): Subscription[] {
  const opts = onInternalError ? { onInternalError } : {};
  const p = { nodeId };
  return [
    serve(nc, RPC.nodeDeliver, p, (r) => handlers.deliver(r.id, r.event), opts),
    serve(nc, RPC.nodeStop, p, (r) => handlers.stop(r.id).then(() => ({})), opts),
    serve(nc, RPC.nodeTransitions, p, async (r) => ({ id: r.id, transitions: handlers.transitions(r.id) }), opts),
    serve(nc, RPC.nodeInstance, p, (r) => handlers.instance(r), opts),
  ];
}

export const deliverRemote = (nc: NatsConnection, nodeId: string, id: string, event: MachineEvent) =>
  call(nc, RPC.nodeDeliver, { nodeId }, { id, event }, { timeoutMs: RPC_TIMEOUT_MS });

export const stopRemote = (nc: NatsConnection, nodeId: string, id: string) =>
  call(nc, RPC.nodeStop, { nodeId }, { id }, { timeoutMs: RPC_TIMEOUT_MS }).then(() => undefined);

/** Asks `nodeId` to start, stop or report its instance of deployment `id`; a start may build, so it may take long. */
export const instanceRemote = (nc: NatsConnection, nodeId: string, req: InstanceRequest, timeoutMs: number) =>
  call(nc, RPC.nodeInstance, { nodeId }, req, { timeoutMs });

/** The node's journal of a deployment, or null when the node does not answer or has none. */
export async function transitionHistory(
  nc: NatsConnection,
  nodeId: string,
  id: string,
  timeoutMs: number,
): Promise<TransitionReport[] | null> {
  try {
    return (await call(nc, RPC.nodeTransitions, { nodeId }, { id }, { timeoutMs })).transitions;
  } catch {
    return null;
  }
}
