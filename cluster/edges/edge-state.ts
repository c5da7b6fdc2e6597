// Asking every edge for its state (scatter-gather over NATS), and answering such requests on an edge.
import type { Subscription } from '@nats-io/nats-core';
import { EdgeState, subjects } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';

/**
 * Every edge's answer within `maxWaitMs`. Knowing how many edges are live (`expected`), it stops as soon as that many
 * answered; otherwise once replies stall for 50 ms, which every switch and drain would pay on each poll.
 */
export async function edgeStates(conn: ClusterConnection, expected = 0, maxWaitMs = 500): Promise<EdgeState[]> {
  const out: EdgeState[] = [];
  try {
    const strategy = expected > 0 ? ({ strategy: 'count', maxMessages: expected } as const) : ({ strategy: 'stall', stall: 50 } as const);
    const replies = await conn.nc.requestMany(subjects.edgeState, '', { ...strategy, maxWait: maxWaitMs });
    for await (const msg of replies) {
      const parsed = EdgeState.safeParse(msg.json());
      if (parsed.success) out.push(parsed.data);
    }
  } catch {
    // No edge answers (no responders): the caller sees an empty list and decides what that means.
  }
  return out;
}

/** Answers edge-state requests with `produce()`; every edge answers (no queue group). */
export function serveEdgeState(conn: ClusterConnection, produce: () => Promise<EdgeState>, onError: (error: unknown) => void): Subscription {
  return conn.nc.subscribe(subjects.edgeState, {
    callback: (_err, msg) => {
      produce()
        .then((state) => msg.respond(JSON.stringify(state)))
        .catch(onError);
    },
  });
}
