// What the dashboard knows, kept live: every deployment record (KV watch) and the statechart transitions nodes publish.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeploymentRecord, TransitionReport } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { DeploymentStore } from '../../cluster/deployments/index.js';
import type { KvWatcher } from '../../cluster/kv/index.js';
import { mergeTransitions, ReportBuffer } from './transition-buffer.js';
import { followTransitions } from '../../cluster/inspect/index.js';
import { apiCaller, transitionsOf } from '../../cluster/client/index.js';

export type ModelEvent =
  | { type: 'record'; record: DeploymentRecord }
  | { type: 'removed'; id: string }
  | { type: 'transition'; report: TransitionReport }
  | { type: 'connected'; connected: boolean };

const RETRY_MS = 500;
/** The agent gives up on the hosting node's journal after 1.5 s; this leaves room for the answer on top. */
const HISTORY_TIMEOUT_MS = 3_000;

export class DashboardModel {
  private readonly records = new Map<string, DeploymentRecord>();
  private readonly listeners = new Set<(e: ModelEvent) => void>();
  private readonly reports = new ReportBuffer();
  private watcher: KvWatcher | null = null;
  private closed = false;
  /** True once the deployments bucket is open and its current entries were read. */
  ready = false;

  constructor(
    private readonly conn: ClusterConnection,
    private readonly warn: (message: string, error?: unknown) => void,
  ) {}

  /** Starts listening; the bucket may not exist yet (a fresh cluster), so opening it is retried in the background. */
  start(): void {
    followTransitions(this.conn, (report) => {
      this.reports.add(report);
      this.emit({ type: 'transition', report });
    });
    void this.openStore();
  }

  private async openStore(): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        const store = await DeploymentStore.open(this.conn);
        this.watcher = store.watch(
          (change) => {
            if (change.type === 'put') {
              this.records.set(change.value.record.id, change.value.record);
              this.emit({ type: 'record', record: change.value.record });
            } else if (change.type === 'delete' && this.records.delete(change.id)) {
              this.emit({ type: 'removed', id: change.id });
            }
          },
          (error) => this.warn('deployment watch error', error),
        );
        await this.watcher.ready;
        this.ready = true;
        this.emit({ type: 'connected', connected: true });
        return;
      } catch (error) {
        if (attempt === 1 || attempt % 20 === 0) this.warn('waiting for the deployments bucket', error);
        await sleep(RETRY_MS);
      }
    }
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
    this.closed = true;
    await this.watcher?.stop();
  }
}
