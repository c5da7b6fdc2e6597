// One leader through a KV lease: create the key when it is free, renew it with compare-and-swap; the TTL frees it.
import type { KV } from '@nats-io/kv';
import { BUCKETS, keys } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';

const RENEW_EVERY_MS = 1_000;

export interface LeaseHolder {
  nodeId: string;
  since: string;
}

export class LeaderLease {
  private revision: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private current: LeaseHolder | null = null;
  private stopped = false;

  private constructor(
    private readonly kv: KV,
    private readonly nodeId: string,
    private readonly onChange: (leader: string | null, isMe: boolean) => void,
  ) {}

  static async start(
    conn: ClusterConnection,
    nodeId: string,
    onChange: (leader: string | null, isMe: boolean) => void,
  ): Promise<LeaderLease> {
    const lease = new LeaderLease(await conn.kvm.open(BUCKETS.leader), nodeId, onChange);
    await lease.tick();
    return lease;
  }

  get isLeader(): boolean {
    return this.revision !== null;
  }

  get leader(): string | null {
    return this.current?.nodeId ?? null;
  }

  /** Gives the lease up (an orderly stop), so another node takes over without waiting for the TTL. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.revision !== null)
      await this.kv.delete(keys.leaderLease, { previousSeq: this.revision }).catch(() => undefined);
    this.revision = null;
  }

  private async tick(): Promise<void> {
    const before = this.current?.nodeId ?? null;
    const wasMe = this.isLeader;
    try {
      if (this.revision !== null) {
        this.revision = await this.kv.update(keys.leaderLease, JSON.stringify(this.current), this.revision);
      } else {
        const mine: LeaseHolder = { nodeId: this.nodeId, since: new Date().toISOString() };
        try {
          this.revision = await this.kv.create(keys.leaderLease, JSON.stringify(mine));
          this.current = mine;
        } catch {
          const entry = await this.kv.get(keys.leaderLease);
          this.current = entry && entry.operation === 'PUT' ? (entry.json<LeaseHolder>() ?? null) : null;
          // Our own lease from before a restart (node ids are unique): take it back instead of waiting out the TTL.
          if (entry && this.current?.nodeId === this.nodeId)
            this.revision = await this.kv.update(keys.leaderLease, JSON.stringify(this.current), entry.revision);
        }
      }
    } catch {
      // Renewal failed (another node holds it now, or NATS is unreachable): stop acting as leader at once.
      this.revision = null;
      this.current = null;
    }
    const after = this.current?.nodeId ?? null;
    if (after !== before || wasMe !== this.isLeader) this.onChange(after, this.isLeader);
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), RENEW_EVERY_MS);
  }
}
