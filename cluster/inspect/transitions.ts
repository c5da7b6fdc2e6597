// Statechart transitions on NATS: published live on core subjects, and each node's journal answering for the past.
import type { Subscription } from '@nats-io/nats-core';
import { subjects, TransitionReport } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';

/** Core NATS on purpose: a watcher that was not listening asks the node's journal instead of a stream. */
export function publishTransition(conn: ClusterConnection, report: TransitionReport): void {
  conn.nc.publish(subjects.inspect(report.id), JSON.stringify(report));
}

/** Every transition of every deployment, as it happens; malformed ones are skipped. */
export function followTransitions(conn: ClusterConnection, onReport: (report: TransitionReport) => void): Subscription {
  return conn.nc.subscribe(subjects.inspectAll, {
    callback: (_e, m) => {
      try {
        const parsed = TransitionReport.safeParse(m.json());
        if (parsed.success) onReport(parsed.data);
      } catch {
        // not JSON: not a report
      }
    },
  });
}

/** A node answers for the transitions it reported (its journal), so a late watcher sees everything from the start. */
export function serveTransitionHistory(conn: ClusterConnection, nodeId: string, journal: (id: string) => TransitionReport[] | null): Subscription {
  return conn.nc.subscribe(subjects.node(nodeId, 'transitions'), {
    callback: (_e, m) => {
      let id = '';
      try {
        id = String((m.json() as { id?: unknown }).id ?? '');
      } catch {
        // not JSON: answer with nothing
      }
      m.respond(JSON.stringify({ id, transitions: id ? journal(id) : null }));
    },
  });
}

/** The node's journal of a deployment, or null when the node does not answer or has none. */
export async function requestTransitionHistory(conn: ClusterConnection, nodeId: string, id: string, timeoutMs: number): Promise<TransitionReport[] | null> {
  try {
    const body = (await conn.nc.request(subjects.node(nodeId, 'transitions'), JSON.stringify({ id }), { timeout: timeoutMs })).json<{ transitions?: unknown }>();
    if (!Array.isArray(body.transitions)) return null;
    return body.transitions.flatMap((t) => {
      const parsed = TransitionReport.safeParse(t);
      return parsed.success ? [parsed.data] : [];
    });
  } catch {
    return null;
  }
}
