// What only the leader does: serve deploy/rollback for the cluster, and notice lost nodes and act on them.
import type { Subscription } from '@nats-io/nats-core';
import { RPC, type DeploymentRecord } from '../../../packages/protocol/index.js';
import {
  instancesOf,
  isInFlight,
  isSwitching,
  readStoredDeployment,
  type DeploymentContext,
} from '../../../machines/deployment/index.js';
import type { Membership } from '../../../cluster/membership/index.js';
import type { RouteStore } from '../../../cluster/routes/index.js';
import type { ActorHost } from '../host/actor-host.js';
import type { Notifier } from '../notify/notifier.js';
import { serveLeader } from '../../../cluster/rpc/index.js';
import type { AgentContext } from '../agent-context.js';
import type { Logger } from '../agent-logger.js';
import { deployAsLeader } from '../api/deploy.leader.js';
import { rollbackAsLeader } from '../api/rollback.handler.js';
import { lostOwners, planNodeLoss, type OwnedRecord } from '../planning/node-loss.plan.js';
import { place } from '../planning/placement.plan.js';
import { newDeploymentId } from '../ids.js';
import { LOST_AFTER_MS, type ClusterView } from './cluster-view.js';

const CHECK_EVERY_MS = 1_000;

/** The context of a snapshot the host just persisted: unreadable means the machine and its schema disagree. */
function contextOf(id: string, persisted: unknown): DeploymentContext {
  const read = readStoredDeployment(persisted);
  if (!read.ok) throw new Error(`deployment ${id}: ${read.message}`);
  return read.stored.context;
}

/** What the node-loss check uses of the agent: only this, so a test can hand it fakes. */
export interface LeaderPorts extends Pick<AgentContext, 'records' | 'createDeployment'> {
  cluster: Pick<ClusterView, 'isLeader' | 'now' | 'liveNodes' | 'seenWhileLeading' | 'since' | 'nodeViews'> & {
    membership: Pick<Membership, 'nodeViews' | 'remember'>;
  };
  routes: Pick<RouteStore, 'get' | 'put'>;
  host: Pick<ActorHost, 'applyUnhosted'>;
  notifier: Pick<Notifier, 'nodeLost'>;
}

/** The cluster-wide deploy and rollback verbs, answered only while this node leads. */
export function serveLeaderApi(ctx: AgentContext, log: Logger): Subscription[] {
  const onInternalError = (name: string, e: unknown) => log.warn(`internal error in ${name}`, e);
  return [
    serveLeader(ctx.conn.nc, RPC.leaderDeploy, (req) => deployAsLeader(ctx, req), onInternalError),
    serveLeader(ctx.conn.nc, RPC.leaderRollback, (req) => rollbackAsLeader(ctx, req), onInternalError),
  ];
}

export class LeaderDuties {
  private subs: Array<{ unsubscribe(): void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(
    private readonly ctx: LeaderPorts,
    private readonly owned: () => OwnedRecord[],
    private readonly log: Logger,
    /** Starts answering the leader's verbs (serveLeaderApi); the subscriptions end on stop. */
    private readonly serve: () => Array<{ unsubscribe(): void }>,
  ) {}

  start(): void {
    this.subs = this.serve();
    this.timer = setInterval(() => void this.checkNodes(), CHECK_EVERY_MS);
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    clearInterval(this.timer);
  }

  /** Idempotent: a lost node's deployments stop being owned by it once handled, so a new leader picks up the rest. */
  async checkNodes(): Promise<void> {
    if (this.checking || !this.ctx.cluster.isLeader()) return;
    this.checking = true;
    try {
      const now = this.ctx.cluster.now();
      const records = this.owned();
      const live = this.ctx.cluster.liveNodes(now);
      for (const nodeId of lostOwners(
        records,
        live,
        this.ctx.cluster.seenWhileLeading,
        this.ctx.cluster.since(),
        now,
        LOST_AFTER_MS * 2,
      )) {
        await this.handleLoss(nodeId, records, now);
      }
    } catch (error) {
      this.log.warn('checking for lost nodes failed', error);
    } finally {
      this.checking = false;
    }
  }

  private async handleLoss(nodeId: string, records: OwnedRecord[], now: number): Promise<void> {
    const routed = new Set<string>();
    for (const { record: r } of records) {
      if (!isSwitching(r)) continue;
      const route = await this.ctx.routes.get(r.environmentName, r.serviceName);
      if (route?.route.deploymentId) routed.add(route.route.deploymentId);
    }
    const plan = planNodeLoss(nodeId, records, routed);
    const pruned = new Set<string>();
    for (const r of plan.reschedule) if (await this.pruneRoute(r, nodeId)) pruned.add(r.id);
    this.log.warn(
      `node ${nodeId} lost: failing ${plan.lost.length} deployment(s), re-placing ${plan.reschedule.length}`,
    );
    const at = new Date(now).toISOString();
    const contexts = new Map<string, DeploymentContext>();
    for (const id of plan.lost) {
      let t = await this.ctx.host.applyUnhosted(id, { type: 'node.lost', at, nodeId, reason: 'lost' }, null);
      const context = contextOf(id, t.persisted);
      if (pruned.has(id)) {
        // The set serves on without the lost node's instances: the record says so (e.g. 1/2) until the re-placement switches.
        const instances = instancesOf(context).filter((w) => w.nodeId !== nodeId);
        t = await this.ctx.host.applyUnhosted(id, { type: 'instances.serving', at, instances }, null);
      }
      contexts.set(id, contextOf(id, t.persisted));
      this.ctx.notifier.nodeLost(nodeId, { record: t.record, snapshot: t.persisted });
    }
    for (const old of plan.reschedule) await this.reschedule(old, contexts.get(old.id)!, nodeId);
    const member = this.ctx.cluster.membership.nodeViews(now).find((n) => n.beat.id === nodeId);
    if (member) await this.ctx.cluster.membership.remember({ node: member.beat, state: 'lost', lostAt: at });
  }

  /**
   * The lost node's instances leave the route in one write, so every edge stops dialling them at once; the set's
   * other instances serve on until the re-placed deployment switches. A route left with nothing is not touched.
   */
  private async pruneRoute(r: DeploymentRecord, lostNode: string): Promise<boolean> {
    try {
      const current = await this.ctx.routes.get(r.environmentName, r.serviceName);
      if (!current || current.route.deploymentId !== r.id) return false;
      const kept = current.route.upstreams.filter((u) => u.nodeId !== lostNode);
      if (kept.length === 0 || kept.length === current.route.upstreams.length) return false;
      await this.ctx.routes.put(
        { ...current.route, upstreams: kept, updatedAt: new Date().toISOString() },
        current.revision,
      );
      this.log.info(
        `route of ${r.serviceName} in ${r.environmentName}: instances on lost node ${lostNode} removed, ${kept.length} left`,
      );
      return true;
    } catch (error) {
      this.log.warn(
        `could not remove the instances of lost node ${lostNode} from the route of ${r.serviceName}`,
        error,
      );
      return false;
    }
  }

  /** The same release as a new deployment on a live node: the service comes back without anyone deploying. */
  private async reschedule(old: DeploymentRecord, context: DeploymentContext, lostNode: string): Promise<void> {
    // Only while the lost one is still what the service serves: a newer deploy already under way replaces it anyway.
    const newer = this.ctx
      .records({ env: old.environmentName, service: old.serviceName })
      .find((r) => r.createdAt > old.createdAt && isInFlight(r));
    if (newer) return this.log.info(`not re-placing ${old.id}: ${newer.id} is already replacing it`);
    const nodes = this.ctx.cluster.nodeViews().filter((n) => n.id !== lostNode);
    const [placed] = place(
      [
        {
          serviceName: old.serviceName,
          environmentName: old.environmentName,
          runtime: old.runtime,
          sourceDigest: old.sourceDigest,
        },
      ],
      nodes,
      this.ctx.records({}),
      this.ctx.cluster.now(),
      LOST_AFTER_MS,
    );
    if (!placed || 'error' in placed) {
      this.log.warn(
        `cannot re-place ${old.serviceName} (${old.id}) from lost node ${lostNode}: ${placed && 'error' in placed ? placed.error : 'no placement'}`,
      );
      return;
    }
    const spec = {
      ...context.spec,
      id: newDeploymentId(),
      nodeId: placed.nodeId,
      createdAt: new Date().toISOString(),
      replaces: old.id,
    };
    await this.ctx.createDeployment(spec, 'reschedule');
    this.log.info(
      `re-placed ${old.serviceName} in ${old.environmentName} from lost node ${lostNode} on ${placed.nodeId} as ${spec.id}`,
    );
  }
}
