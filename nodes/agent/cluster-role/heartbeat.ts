// This node's heartbeat: what it offers and how busy it is, every second, into the membership bucket.
import type { NodeBeat } from '../../../packages/protocol/index.js';
import { HEARTBEAT_EVERY_MS, type Membership } from '../../../cluster/membership/index.js';
import { retryTransient } from '../../shared/retry.js';

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly membership: Membership,
    private readonly beat: () => NodeBeat,
    private readonly warn: (message: string, error?: unknown) => void,
  ) {}

  /** Right after a cluster forms, new replicated buckets take a moment to elect leaders: wait for them, do not crash. */
  async start(): Promise<void> {
    const first = this.beat();
    await retryTransient(
      () => this.membership.beatNode(first),
      60_000,
      (e) => this.warn('first heartbeat waiting for the cluster', e),
    );
    await retryTransient(() => this.membership.remember({ node: first, state: 'alive', lostAt: null }), 60_000);
    this.timer = setInterval(
      () => void this.membership.beatNode(this.beat()).catch((e) => this.warn('heartbeat failed', e)),
      HEARTBEAT_EVERY_MS,
    );
  }

  /** Stops beating and leaves at once, so the leader does not wait to declare this node lost. */
  async stop(nodeId: string): Promise<void> {
    clearInterval(this.timer);
    await this.membership.leave('node', nodeId).catch(() => undefined);
  }
}
