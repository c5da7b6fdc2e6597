// Statechart transitions of hosted deployments: the report each one publishes, and a bounded journal to replay them.
import type { ActorRefLike, InspectionEvent, Observer, SnapshotFrom } from 'xstate';
import { timeOf, errorText, regionPaths, type DeploymentMachine } from '../../../machines/deployment/index.js';
import type { RegionState, TransitionReport } from '../../../packages/protocol/index.js';

export type { RegionState, TransitionReport } from '../../../packages/protocol/index.js';

const MAX_PER_DEPLOYMENT = 500;
const MAX_DEPLOYMENTS = 200;
const MAX_DATA_CHARS = 1_000;

/** The payload worth showing: effect outputs, error messages, or the event's own fields. */
export function eventData(event: { type: string } & Record<string, unknown>): Record<string, unknown> | null {
  let data: unknown;
  // The init event carries the actor's input: the whole spec, secrets included. Never publish it.
  if (event.type === 'xstate.init') return null;
  if (event.type.startsWith('xstate.error.actor.')) data = { error: errorText(event.error) };
  else if (event.type.startsWith('xstate.done.actor.')) data = event.output ?? null;
  else {
    const { type: _type, ...rest } = event;
    data = Object.keys(rest).length > 0 ? rest : null;
  }
  if (data === null || typeof data !== 'object') return data === null || data === undefined ? null : { value: data };
  // Reports travel on plain NATS subjects anyone in the cluster can read: variable values stay out wherever they appear.
  const text =
    JSON.stringify(data, (key, value: unknown) =>
      key === 'variables' && value && typeof value === 'object' ? '[redacted]' : value,
    ) ?? 'null';
  return text.length <= MAX_DATA_CHARS
    ? (JSON.parse(text) as Record<string, unknown>)
    : { truncated: text.slice(0, MAX_DATA_CHARS) };
}

/** The report's time: the event's own, else now (init and restore carry none). */
export function reportTime(event: unknown): string {
  return timeOf(event, new Date().toISOString());
}

/** The last reports of the most recently active deployments, numbered per deployment. */
export class TransitionJournal {
  private readonly byId = new Map<string, TransitionReport[]>();
  private readonly nextSeq = new Map<string, number>();

  constructor(private readonly nodeId: string) {}

  /** Numbers a report and keeps it; the oldest deployments and reports fall out first. */
  add(report: Omit<TransitionReport, 'seq' | 'nodeId'>): TransitionReport {
    const seq = this.nextSeq.get(report.id) ?? 1;
    const full: TransitionReport = { ...report, seq, nodeId: this.nodeId };
    const list = this.byId.get(report.id) ?? [];
    // Re-insert so Map order is recency order.
    this.byId.delete(report.id);
    this.nextSeq.delete(report.id);
    this.byId.set(report.id, list);
    this.nextSeq.set(report.id, seq + 1);
    list.push(full);
    if (list.length > MAX_PER_DEPLOYMENT) list.splice(0, list.length - MAX_PER_DEPLOYMENT);
    for (const oldest of this.byId.keys()) {
      if (this.byId.size <= MAX_DEPLOYMENTS) break;
      this.byId.delete(oldest);
      this.nextSeq.delete(oldest);
    }
    return full;
  }

  /** Reports of one deployment in order, or null if this node has none. */
  of(id: string): TransitionReport[] | null {
    const list = this.byId.get(id);
    return list ? [...list] : null;
  }
}

/**
 * Turns one actor's inspection events into reports, one per macrostep: the external event, the events raised while
 * processing it, the regions before and after. An event no transition took leaves the very same snapshot object
 * behind and is not reported; neither is the actor being stopped. `initial` is the state a restored actor had (null
 * for a new one); `skipInit` leaves out the first snapshot when the transition that woke the actor was reported already
 * (the chain of before/after then goes on from `initial`).
 */
export function transitionObserver(
  actor: ActorRefLike,
  initial: RegionState | null,
  skipInit: boolean,
  report: (r: Omit<TransitionReport, 'id' | 'seq' | 'nodeId'>) => void,
): Observer<InspectionEvent> {
  let before = initial;
  let lastSnapshot: unknown = null;
  let current: unknown = null;
  let raised: string[] = [];
  return {
    next: (ev) => {
      if (ev.actorRef !== actor) return;
      if (ev.type === '@xstate.event') {
        current = ev.event;
        raised = [];
      } else if (ev.type === '@xstate.microstep') {
        if (ev.event !== current) raised.push(ev.event.type);
      } else if (ev.type === '@xstate.snapshot') {
        const event = ev.event as { type: string } & Record<string, unknown>;
        if (ev.snapshot === lastSnapshot || event.type === 'xstate.stop') return;
        lastSnapshot = ev.snapshot;
        // Only `actor`'s own snapshots reach here (checked above), and `actor` runs the deployment machine.
        const snapshot = ev.snapshot as SnapshotFrom<DeploymentMachine>;
        const after = regionPaths(snapshot);
        const isInit = event.type === 'xstate.init';
        if (!(isInit && skipInit)) {
          const data = isInit && initial ? { restored: true } : eventData(event);
          // A new actor starts at its creation time (its clock); a restored one now.
          const at = isInit && !initial ? snapshot.context.clock : reportTime(event);
          report({ event: event.type, raised, data, before: isInit ? null : before, after, at });
        }
        before = after;
        raised = [];
      }
    },
  };
}
