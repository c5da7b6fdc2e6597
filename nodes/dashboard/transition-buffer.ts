// Transitions the dashboard received, per deployment and bounded, and how they merge with a node's journal.
import type { TransitionReport } from '../agent/host/transition-journal.js';

const PER_DEPLOYMENT = 300;
const DEPLOYMENTS = 300;

const isState = (v: unknown): boolean => {
  const s = v as Record<string, unknown> | null;
  return !!s && typeof s.status === 'string' && typeof s.stage === 'string' && typeof s.health === 'string';
};

/** A report as published by a node agent, or null for anything else on the subject. */
export function toReport(value: unknown): TransitionReport | null {
  const r = value as Partial<TransitionReport> | null;
  if (!r || typeof r.id !== 'string' || typeof r.seq !== 'number' || typeof r.event !== 'string' || typeof r.at !== 'string') return null;
  if (!isState(r.after) || (r.before !== null && !isState(r.before))) return null;
  return { id: r.id, seq: r.seq, nodeId: String(r.nodeId ?? ''), event: r.event, raised: Array.isArray(r.raised) ? r.raised.map(String) : [], data: r.data ?? null, before: r.before ?? null, after: r.after!, at: r.at };
}

export function parseReport(data: Uint8Array): TransitionReport | null {
  try {
    return toReport(JSON.parse(new TextDecoder().decode(data)));
  } catch {
    return null;
  }
}

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
