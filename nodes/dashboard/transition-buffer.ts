// Transitions the dashboard received, per deployment and bounded, and how they merge with a node's journal.
import type { TransitionReport } from '../../packages/protocol/index.js';

const PER_DEPLOYMENT = 300;
const DEPLOYMENTS = 300;

export class ReportBuffer {
  private readonly byId = new Map<string, TransitionReport[]>();

  add(report: TransitionReport): void {
    const list = this.byId.get(report.id) ?? [];
    this.byId.delete(report.id);
    this.byId.set(report.id, list);
    list.push(report);
    if (list.length > PER_DEPLOYMENT) list.splice(0, list.length - PER_DEPLOYMENT);
    for (const oldest of this.byId.keys()) {
      if (this.byId.size <= DEPLOYMENTS) break;
      this.byId.delete(oldest);
    }
  }

  of(id: string): TransitionReport[] {
    return [...(this.byId.get(id) ?? [])];
  }
}

/**
 * The node's journal is complete for its own numbering; reports we received that it does not have (newer, or from
 * another node the deployment moved to) follow it. Without a journal, what we received is all there is.
 */
export function mergeTransitions(journal: TransitionReport[] | null, received: TransitionReport[]): TransitionReport[] {
  if (!journal) return received;
  const known = new Set(journal.map((r) => `${r.nodeId}#${r.seq}`));
  const lastAt = journal.length > 0 ? journal[journal.length - 1]!.at : '';
  const extra = received.filter((r) => !known.has(`${r.nodeId}#${r.seq}`) && r.at >= lastAt);
  return [...journal, ...extra];
}
