// Asking every edge for its state (scatter-gather over NATS), and answering such requests on an edge.
import type { Subscription } from '@nats-io/nats-core';
import { RPC, type EdgeState } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { gather, serve, type OnInternalError } from '../rpc/index.js';

/**
 * Every edge's answer within `maxWaitMs`. Knowing how many edges are live (`expected`), it stops as soon as that many
 * answered; otherwise once replies stall for 50 ms, which every switch and drain would pay on each poll.
 */
export function edgeStates(
  conn: ClusterConnection,
  expected = 0,
  maxWaitMs = 500,
  options: { certificates?: boolean } = {},
): Promise<EdgeState[]> {
  return gather(conn.nc, RPC.edgeState, undefined, options.certificates ? { certificates: true } : {}, {
    expected,
    maxWaitMs,
  });
}

/** Answers edge-state requests with `produce()`; every edge answers (no queue group). */
export function serveEdgeState(
  conn: ClusterConnection,
  produce: (request: { certificates?: boolean }) => Promise<EdgeState>,
  onError: OnInternalError,
): Subscription {
  return serve(conn.nc, RPC.edgeState, undefined, (request) => produce(request), { onInternalError: onError });
}
