// Statechart transitions on NATS: published live on core subjects (a node's journal answers for the past: cluster/rpc).
import type { Subscription } from '@nats-io/nats-core';
import { subjects, TransitionReport } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';

/** Largest report published: a bigger one (a huge event payload) is sent without its data rather than not at all. */
const MAX_REPORT_BYTES = 64 * 1024;

/** Core NATS on purpose: a watcher that was not listening asks the node's journal instead of a stream. */
export function publishTransition(conn: ClusterConnection, report: TransitionReport): void {
  let body = JSON.stringify(report);
  if (Buffer.byteLength(body) > MAX_REPORT_BYTES) body = JSON.stringify({ ...report, data: { truncated: true } });
  try {
    conn.nc.publish(subjects.inspect(report.id), body);
  } catch {
    // A closed or draining connection: live watchers fall back to the journal, nothing here may throw into the actor.
  }
}

/** Every transition of every deployment (or of deployment `id` only), as it happens; malformed ones are skipped. */
export function followTransitions(
  conn: ClusterConnection,
  onReport: (report: TransitionReport) => void,
  id?: string,
): Subscription {
  return conn.nc.subscribe(id === undefined ? subjects.inspectAll : subjects.inspect(id), {
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
