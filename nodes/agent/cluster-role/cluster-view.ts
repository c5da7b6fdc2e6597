// This node's view of the cluster: who is live, who leads, what the planners need to know about nodes.
import { setTimeout as sleep } from 'node:timers/promises';
import { LOST_AFTER_MS, type Membership } from '../../../cluster/membership/index.js';
import type { NodeView } from '../planning/placement.plan.js';

export class ClusterView {
  private leading = false;
  private leaderId: string | null = null;
  private leaderSince = 0;
  /** Nodes with a heartbeat on record since this node became leader: only those can be declared lost before the grace. */
  readonly seenWhileLeading = new Set<string>();

  constructor(
    readonly nodeId: string,
    readonly membership: Membership,
  ) {}

  setLeader(leaderId: string | null, isMe: boolean): void {
    if (isMe && !this.leading) {
      this.leaderSince = Date.now();
      this.seenWhileLeading.clear();
    }
    this.leading = isMe;
    this.leaderId = leaderId;
  }

  isLeader(): boolean {
    return this.leading;
  }

  leader(): string | null {
    return this.leaderId;
  }

  since(): number {
    return this.leaderSince;
  }

  /** Liveness is judged by heartbeat time, never by this machine's clock (see Membership.clock). */
  now(): number {
    return this.membership.clock();
  }

  nodeViews(now = this.now()): NodeView[] {
    return this.membership
      .nodeViews(now)
      .map((n) => ({ id: n.beat.id, runtimes: n.beat.runtimes, seenAt: n.seenAt.getTime() }));
  }

  /**
   * Right after a cluster starts (or this node takes the lead) its view may not hold any heartbeat yet, its own
   * included: waits until a live node offers each runtime, for at most the liveness window since leading began.
   */
  async settled(runtimes: NodeView['runtimes'], pollMs = 50): Promise<void> {
    const offered = () => {
      const now = this.now();
      const live = this.nodeViews(now).filter((n) => now - n.seenAt < LOST_AFTER_MS);
      return runtimes.every((r) => live.some((n) => n.runtimes.includes(r)));
    };
    while (!offered() && this.leading && Date.now() - this.leaderSince < LOST_AFTER_MS) await sleep(pollMs);
  }

  liveNodes(now = this.now()): Set<string> {
    const views = this.membership.nodeViews(now);
    const live = new Set(views.filter((n) => n.live).map((n) => n.beat.id));
    live.add(this.nodeId);
    // A heartbeat on record, even a stale one, proves the node existed: only nodes with none get the restart grace.
    if (this.leading) for (const n of views) this.seenWhileLeading.add(n.beat.id);
    return live;
  }

  isLive(nodeId: string): boolean {
    return this.liveNodes().has(nodeId);
  }

  liveEdgeCount(now = this.now()): number {
    return this.membership.liveEdges(now).length;
  }
}

export { LOST_AFTER_MS };
