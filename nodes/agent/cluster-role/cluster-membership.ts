// Joins this agent to the cluster: heartbeat, requests from other nodes, the leader lease and the leader's duties.
import type { Subscription } from '@nats-io/nats-core';
import { LeaderLease } from '../../../cluster/leadership/index.js';
import { serveNode } from '../../../cluster/rpc/index.js';
import type { AgentContext } from '../agent-context.js';
import type { Logger } from '../agent-logger.js';
import { Heartbeat } from './heartbeat.js';
import { LeaderDuties, serveLeaderApi } from './leader-duties.js';
import type { OwnedRecord } from '../planning/node-loss.plan.js';
import type { InstanceReply, InstanceRequest } from '../../../cluster/rpc/index.js';

export class ClusterMembership {
  private lease: LeaderLease | null = null;
  private rpc: Subscription[] = [];
  private readonly heartbeat: Heartbeat;
  private readonly duties: LeaderDuties;

  constructor(
    private readonly ctx: AgentContext,
    stop: (id: string) => Promise<void>,
    private readonly log: Logger,
    edge: boolean,
    instance: (req: InstanceRequest) => Promise<InstanceReply>,
  ) {
    const s = ctx.settings;
    this.heartbeat = new Heartbeat(
      ctx.cluster.membership,
      () => ({
        id: s.nodeId,
        address: s.workloadHost,
        pid: process.pid,
        runtimes: ctx.availability.list(),
        capacity: { buildSlots: ctx.slots.capacity },
        load: { deployments: ctx.host.size, builds: ctx.slots.inUse },
        edge,
        startedAt: s.startedAt,
        ...(s.metricsUrl ? { metricsUrl: s.metricsUrl } : {}),
      }),
      log.warn,
    );
    const owned = (): OwnedRecord[] =>
      ctx.index.entries().map((e) => ({ record: ctx.recordOf(e.record.id) ?? e.record, owner: e.owner }));
    this.duties = new LeaderDuties(ctx, owned, log, () => serveLeaderApi(ctx, log));
    // Core NATS keeps no history: `inspect --watch` and the dashboard ask the journal for transitions they missed.
    this.rpc = serveNode(
      ctx.conn.nc,
      s.nodeId,
      {
        deliver: (id, event) => ctx.host.deliver(id, event),
        stop,
        transitions: (id) => ctx.host.transitionsOf(id),
        instance,
      },
      (name, e) => log.warn(`internal error in ${name}`, e),
    );
  }

  async start(): Promise<void> {
    await this.heartbeat.start();
    this.lease = await LeaderLease.start(this.ctx.conn, this.ctx.settings.nodeId, (leader, isMe) => {
      const was = this.ctx.cluster.isLeader();
      this.ctx.cluster.setLeader(leader, isMe);
      if (isMe && !was) {
        this.log.info('this node is now the leader');
        this.duties.start();
      } else if (!isMe && was) {
        this.log.info(`no longer the leader (leader: ${leader ?? 'none'})`);
        this.duties.stop();
      }
    });
  }

  async stop(): Promise<void> {
    this.duties.stop();
    await this.lease?.stop();
    for (const s of this.rpc) s.unsubscribe();
    await this.heartbeat.stop(this.ctx.settings.nodeId);
  }
}
