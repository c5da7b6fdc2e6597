// Heartbeats of node agents and edges (TTL bucket) and the remembered members, with a live view kept by a watch.
import type { KV } from '@nats-io/kv';
import { BUCKETS, EdgeBeat, MemberRecord, NodeBeat, keys } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';
import { jsonOf, readAllKv, rethrowKv, watchKv, type KvWatcher } from '../kv/index.js';

/** A member is live while its last heartbeat is younger than this (heartbeats come every second). */
export const LOST_AFTER_MS = 4_000;
export const HEARTBEAT_EVERY_MS = 1_000;

export interface Seen<T> {
  beat: T;
  /** When the server stored the last heartbeat. */
  seenAt: Date;
}

export class Membership {
  private readonly nodes = new Map<string, Seen<NodeBeat>>();
  private readonly edges = new Map<string, Seen<EdgeBeat>>();
  private watcher: KvWatcher | null = null;

  private constructor(
    private readonly conn: ClusterConnection,
    private readonly beats: KV,
    private readonly remembered: KV,
  ) {}

  static async open(conn: ClusterConnection): Promise<Membership> {
    return new Membership(conn, await conn.kvm.open(BUCKETS.nodes), await conn.kvm.open(BUCKETS.members));
  }

  /** Follows every heartbeat; resolves once the current ones are known. */
  async watch(): Promise<void> {
    this.watcher = watchKv(this.conn, BUCKETS.nodes, '>', {
      onEntry: (entry) => {
        const [kind, ...rest] = entry.key.split('.');
        const id = rest.join('.');
        if (entry.operation !== 'PUT') return void (kind === 'node' ? this.nodes.delete(id) : this.edges.delete(id));
        try {
          if (kind === 'node') this.nodes.set(id, { beat: NodeBeat.parse(jsonOf(entry.data)), seenAt: entry.created });
          if (kind === 'edge') this.edges.set(id, { beat: EdgeBeat.parse(jsonOf(entry.data)), seenAt: entry.created });
        } catch {
          // A malformed heartbeat is treated as no heartbeat.
        }
      },
    });
    await this.watcher.ready;
  }

  async stop(): Promise<void> {
    await this.watcher?.stop();
  }

  async beatNode(beat: NodeBeat): Promise<void> {
    await this.beats.put(keys.nodeBeat(beat.id), JSON.stringify(beat)).catch((e) => rethrowKv(e, ''));
  }

  async beatEdge(beat: EdgeBeat): Promise<void> {
    await this.beats.put(keys.edgeBeat(beat.id), JSON.stringify(beat)).catch((e) => rethrowKv(e, ''));
  }

  /** Leaves at once (an orderly stop), instead of waiting to be declared lost. */
  async leave(kind: 'node' | 'edge', id: string): Promise<void> {
    await this.beats.delete(kind === 'node' ? keys.nodeBeat(id) : keys.edgeBeat(id));
  }

  /**
   * The server time of the freshest heartbeat: the cluster's clock for liveness. Judged against it, one member
   * falling silent while others beat is lost, but a bucket that lags as a whole (a JetStream failover) loses no one.
   */
  clock(): number {
    let latest = 0;
    for (const s of [...this.nodes.values(), ...this.edges.values()]) latest = Math.max(latest, s.seenAt.getTime());
    return latest || Date.now();
  }

  /** Every node with a heartbeat on record, and whether it is live at `now`. */
  nodeViews(now: number): Array<Seen<NodeBeat> & { live: boolean }> {
    return [...this.nodes.values()].map((s) => ({ ...s, live: now - s.seenAt.getTime() < LOST_AFTER_MS }));
  }

  /** Every edge with a heartbeat on record, and whether it is live at `now`. */
  edgeViews(now: number): Array<Seen<EdgeBeat> & { live: boolean }> {
    return [...this.edges.values()].map((s) => ({ ...s, live: now - s.seenAt.getTime() < LOST_AFTER_MS }));
  }

  liveEdges(now: number): EdgeBeat[] {
    return [...this.edges.values()].filter((s) => now - s.seenAt.getTime() < LOST_AFTER_MS).map((s) => s.beat);
  }

  async members(): Promise<MemberRecord[]> {
    const entries = await readAllKv(this.conn, BUCKETS.members, '>');
    return entries.flatMap((e) => {
      const parsed = MemberRecord.safeParse(jsonOf(e.data));
      return parsed.success ? [parsed.data] : [];
    });
  }

  async remember(record: MemberRecord): Promise<void> {
    await this.remembered.put(record.node.id, JSON.stringify(record)).catch((e) => rethrowKv(e, ''));
  }
}
