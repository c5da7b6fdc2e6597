// Requests only the leader answers: deploy and rollback. Followers forward them and wait out elections.
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { CompartmentError, type RPC, type RpcReply, type RpcRequest } from '../../packages/protocol/index.js';
import { call } from './rpc.call.js';
import { serve, type RpcHandler, type OnInternalError } from './rpc.serve.js';

type LeaderRpc = typeof RPC.leaderDeploy | typeof RPC.leaderRollback;

const ELECTION_WAIT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 60_000;
const RETRY_EVERY_MS = 250;

/** The handler throws NOT_LEADER once this node no longer holds the lease; the caller then asks again. */
export function serveLeader<S extends LeaderRpc>(
  nc: NatsConnection,
  spec: S,
  handler: RpcHandler<S>,
  onInternalError?: OnInternalError,
): Subscription {
  return serve(nc, spec, undefined, handler, { ...(onInternalError ? { onInternalError } : {}) });
}

/**
 * Asks the leader; while there is none (no responders: an election) or it is stepping down (NOT_LEADER), waits and
 * asks again with the same idempotency key. A CONFLICT or any other error is the answer, never retried here.
 */
export async function askLeader<S extends LeaderRpc>(
  nc: NatsConnection,
  spec: S,
  body: RpcRequest<S>,
): Promise<RpcReply<S>> {
  const deadline = Date.now() + ELECTION_WAIT_MS;
  for (;;) {
    try {
      return await call(nc, spec, undefined, body, { timeoutMs: REQUEST_TIMEOUT_MS });
    } catch (error) {
      const code = error instanceof CompartmentError ? error.code : null;
      if (code !== 'NOT_LEADER' && code !== 'CLUSTER_UNAVAILABLE') throw error;
      if (Date.now() > deadline)
        throw new CompartmentError(
          'CLUSTER_UNAVAILABLE',
          `no leader answered ${spec.name} within ${ELECTION_WAIT_MS} ms`,
        );
      await new Promise((r) => setTimeout(r, RETRY_EVERY_MS));
    }
  }
}
