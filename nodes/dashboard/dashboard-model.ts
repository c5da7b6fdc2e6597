// What the dashboard knows, kept live through the API's `feed`: every deployment record and every transition.
import type { DeploymentRecord, TransitionReport } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { mergeTransitions, ReportBuffer } from './transition-buffer.js';
import { apiCaller, followAll, transitionsOf } from '../../cluster/client/index.js';

export type ModelEvent =
  | { type: 'record'; record: DeploymentRecord }
  | { type: 'removed'; id: string }
  | { type: 'transition'; report: TransitionReport }
  | { type: 'connected'; connected: boolean };

/** The agent gives up on the hosting node's journal after 1.5 s; this leaves room for the answer on top. */
const HISTORY_TIMEOUT_MS = 3_000;
/** Errors repeated while no agent can answer are told once in this many. */
const WARN_EVERY = 20;

export class DashboardModel {
  private readonly records = new Map<string, DeploymentRecord>();
  private readonly listeners = new Set<(e: ModelEvent) => void>();
  private readonly reports = new ReportBuffer();
  private readonly stop = new AbortController();
  private following: Promise<void> | null = null;
  /** True once the current state of every deployment was read. */
  ready = false;

  constructor(
    private readonly conn: ClusterConnection,
    private readonly warn: (message: string, error?: unknown) => void,
  ) {}

  /** Starts following; until an agent answers (a fresh cluster) the feed keeps asking in the background. */
  start(): void {
    let failures = 0;
    this.following = followAll(apiCaller(this.conn.nc), {
      signal: this.stop.signal,
      onRecord: (record) => {
        this.records.set(record.id, record);
        this.emit({ type: 'record', record });
      },
      onRemoved: (id) => {
        if (this.records.delete(id)) this.emit({ type: 'removed', id });
      },
      onReady: () => {
        if (this.ready) return;
        this.ready = true;
        this.emit({ type: 'connected', connected: true });
      },
      onTransition: (report) => {
        this.reports.add(report);
        this.emit({ type: 'transition', report });
      },
      onError: (error) => {
        if (failures++ % WARN_EVERY === 0) this.warn('deployment feed error', error);
      },
    });
  }

  subscribe(listener: (e: ModelEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): DeploymentRecord[] {
    return [...this.records.values()];
  }

  get(id: string): DeploymentRecord | null {
    return this.records.get(id) ?? null;
  }

  /** Every transition known for a deployment: the hosting node's journal (asked through the API), completed by what we received since. */
  async transitions(id: string): Promise<{ transitions: TransitionReport[]; journal: boolean }> {
    let journal: TransitionReport[] | null = null;
    if (this.records.get(id)?.nodeId) {
      // null when the node is gone or restarted, or no agent answers: then what this dashboard saw is all there is.
      const known = await transitionsOf(apiCaller(this.conn.nc), id, HISTORY_TIMEOUT_MS).catch(() => null);
      journal = known?.journal ? known.transitions : null;
    }
    return { transitions: mergeTransitions(journal, this.reports.of(id)), journal: journal !== null };
  }

  private emit(event: ModelEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (error) {
        this.warn('dashboard listener failed', error);
      }
    }
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.following;
  }
}
