// The node agent: opens the stores, hosts deployment actors with their effects filled in, serves the API.
import { randomUUID } from 'node:crypto';
import { CompartmentError, type DeploymentRecord, type Runtime } from '../../packages/protocol/index.js';
import { isDormant, type DeploymentEvent } from '../../machines/deployment/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { ensureCluster, type EnsureClusterOptions } from '../../cluster/setup/index.js';
import { DeploymentStore } from '../../cluster/deployments/index.js';
import { RouteStore } from '../../cluster/routes/index.js';
import { SourceStore } from '../../cluster/sources/index.js';
import { VariableStore } from '../../cluster/variables/index.js';
import { fingerprintKey, type KeyRing } from '../../cluster/secrets/index.js';
import { withSecrets } from './runtime/secret-env.runtime.js';
import { LogPublisher } from '../../cluster/logs/index.js';
import { ActorHost } from './host/actor-host.js';
import { DeploymentIndex } from './deployment-index.js';
import { TransitionRing } from './transition-ring.js';
import { BuildSlots } from './build-slots.js';
import { KeyLock } from '../../packages/key-lock/index.js';
import { RequestMemo } from './api/request-memo.js';
import { retryTransient, whenClusterAccepts } from '../shared/retry.js';
import { checkUnpackedSize, sourceLimitsFromEnv } from './runtime/source-limits.js';
import { provideEffects } from './effects/index.js';
import { revertAutomatically } from './api/rollback.handler.js';
import { EdgeRouter } from './routing/edge.router.js';
import { edgeStates } from '../../cluster/edges/index.js';
import { ProcessRuntime } from './runtime/process.runtime.js';
import { DockerRuntime } from './runtime/docker.runtime.js';
import { RuntimeAvailability } from './runtime/runtime-availability.js';
import { storedOutputReader } from './runtime/stored-output.js';
import type { WorkloadRuntime } from './runtime/workload-runtime.js';
import { platformLines } from './platform-log.js';
import { Notifier } from './notify/notifier.js';
import { serveApi, type ApiServer } from '../../cluster/api/index.js';
import { apiHandlers } from './api/handlers.js';
import type { AgentContext, AgentSettings } from './agent-context.js';
import { workloadOf, stopWorkloadOf } from './stored-context.js';
import { metaOf, outputSink } from './output-sink.js';
import { publishTransition } from '../../cluster/inspect/index.js';
import { reconcileWorkloads, shutdownDeployments } from './agent-lifecycle.js';
import { Membership } from '../../cluster/membership/index.js';
import { ClusterView } from './cluster-role/cluster-view.js';
import { ClusterMembership } from './cluster-role/cluster-membership.js';
import { deliverAnywhere, stopAnywhere } from './cluster-role/owner-delivery.js';
import { createStored } from './host/stored-transition.js';
import { Housekeeper } from './housekeeping.js';
import type { AgentMetrics } from './agent-metrics.js';
import { InstanceHost } from './instances/instance.host.js';
import { instanceRemote } from '../../cluster/rpc/index.js';
import type { InstanceNodes } from './effects/instance-set.js';
import type { Logger } from './agent-logger.js';

export type { Logger };

export interface AgentOptions extends Omit<AgentSettings, 'startedAt'> {
  dataDir: string;
  buildSlots: number;
  /** Deployment records kept per service and environment (history); older ones are removed. */
  keepRecords: number;
  /** This node also runs an edge (Caddy and the DNS responder). */
  edge?: boolean;
  /** Where process releases live (default `<dataDir>/process`): its path must be traversable by the workload user. */
  workloadDir?: string;
  /** As root: whom process builds and workloads run as (default compartment-run). */
  workloadUser?: string;
  /** The Docker engine's socket (default: DOCKER_HOST, else /var/run/docker.sock). */
  dockerSocket?: string;
  cluster?: EnsureClusterOptions;
  /** The cluster key file's keys: secrets are sealed and opened here, never anywhere else. */
  keys: KeyRing;
  /** Prometheus metrics, fed from the sink, the platform log and transitions (the caller serves them). */
  metrics?: AgentMetrics;
}

export class Agent {
  private api: ApiServer | null = null;
  private membership: ClusterMembership | null = null;
  private constructor(
    readonly ctx: AgentContext,
    private readonly runtimes: Map<Runtime, WorkloadRuntime>,
    private readonly publisher: LogPublisher,
    private readonly log: Logger,
  ) {}

  static async start(conn: ClusterConnection, opts: AgentOptions, log: Logger): Promise<Agent> {
    // Opening is retried with creating: a store another agent made a moment ago can still be electing its stream
    // leader, and opening it then says "not found" (seen with two agents starting together).
    const [deployments, routes, sources, variables] = await whenClusterAccepts(
      async () => {
        await ensureCluster(conn, opts.cluster);
        return Promise.all([
          DeploymentStore.open(conn),
          RouteStore.open(conn),
          SourceStore.open(conn),
          VariableStore.open(conn, opts.keys),
        ]);
      },
      (e) => log.warn('waiting for JetStream to accept the buckets', e),
    );
    // Right after the buckets are made, a replicated bucket may still be electing its leader: wait that out.
    await retryTransient(
      () => variables.marker.claim(opts.keys.all(), opts.keys.path),
      60_000,
      (e) => log.warn('waiting for the variables bucket', e),
    );
    const publisher = new LogPublisher(conn);
    const plainSink = outputSink(publisher, log.warn);
    const sink = opts.metrics ? opts.metrics.wrapSink(plainSink) : plainSink;
    const limits = sourceLimitsFromEnv();
    const fetchSource = async (d: string, p: string) => {
      await retryTransient(() => sources.getToFile(d, p, limits.maxSourceBytes));
      await checkUnpackedSize(p, limits.maxUnpackedBytes);
    };
    // Starts now read the variables bucket: a JetStream leader election must not fail them, an unset secret must.
    const secrets = (env: string, names: readonly string[]) => retryTransient(() => variables.secrets(env, names));
    const runtimes = new Map<Runtime, WorkloadRuntime>([
      [
        'process',
        withSecrets(
          new ProcessRuntime({
            dataDir: opts.workloadDir ?? `${opts.dataDir}/process`,
            host: opts.workloadHost,
            nodeId: opts.nodeId,
            sink,
            fetchSource,
            explicitDir: opts.workloadDir !== undefined,
            warn: log.warn,
            ...(opts.workloadUser ? { workloadUser: opts.workloadUser } : {}),
          }),
          secrets,
        ),
      ],
      [
        'docker',
        withSecrets(
          new DockerRuntime({
            dataDir: `${opts.dataDir}/docker`,
            host: opts.workloadHost,
            nodeId: opts.nodeId,
            sink,
            fetchSource,
            warn: log.warn,
            outputStored: () => publisher.flush(),
            storedOutput: storedOutputReader(conn),
            ...(opts.dockerSocket ? { socketPath: opts.dockerSocket } : {}),
          }),
          secrets,
        ),
      ],
    ]);
    const { keys: _keys, metrics: _metrics, ...plain } = opts;
    const settings: AgentSettings = { ...plain, startedAt: new Date().toISOString() };
    const members = await Membership.open(conn);
    await members.watch();
    const cluster = new ClusterView(opts.nodeId, members);
    const notifier = new Notifier({
      isLeader: () => cluster.isLeader(),
      secret: async (env, name) => (await secrets(env, [name]))[name]!,
      log,
    });
    const index = new DeploymentIndex();
    const transitions = new TransitionRing(`${opts.nodeId}-${randomUUID()}`);
    transitions.start(conn);
    const slots = new BuildSlots(opts.buildSlots);
    const runtime = (kind: Runtime) => {
      const rt = runtimes.get(kind);
      if (!rt) throw new CompartmentError('NO_NODE_AVAILABLE', `node ${opts.nodeId} does not offer runtime ${kind}`);
      return rt;
    };

    // The host and the effects refer to each other (a switch tells the previous deployment it was replaced).
    let ctx!: AgentContext;
    const router = new EdgeRouter({
      routes,
      edgeStates: (expected) => edgeStates(conn, expected),
      routePorts: opts.routePorts,
      recordOf: async (id) => ctx.recordOf(id) ?? (await deployments.get(id))?.value.record ?? null,
      workloadOf: (id) => workloadOf(deployments, id),
      expectedEdges: () => cluster.liveEdgeCount(),
      event: sink.event,
    });
    const nodes: InstanceNodes = {
      self: opts.nodeId,
      // This node last: on equal load a new instance goes to another node (the owner also builds and supervises).
      candidates: (kind) => {
        const live = cluster.liveNodes();
        const able = cluster
          .nodeViews()
          .filter((n) => live.has(n.id) && n.runtimes.includes(kind))
          .map((n) => n.id)
          .sort();
        return [...able.filter((n) => n !== opts.nodeId), ...able.filter((n) => n === opts.nodeId)];
      },
      isLive: (id) => cluster.isLive(id),
      call: (nodeId, req, timeoutMs) => instanceRemote(conn.nc, nodeId, req, timeoutMs),
    };
    const machine = provideEffects({
      runtime,
      slots,
      router,
      nodes,
      deliver: async (id, event) => void (await ctx.deliver(id, event)),
      revert: async (spec) =>
        (
          await revertAutomatically(ctx, {
            environment: spec.environmentName,
            service: spec.serviceName,
            from: spec.id,
          })
        ).deployment.id,
      stopDeployment: (id) => retryTransient(() => stopAnywhere(ctx, (spec) => runtime(spec.runtime), id, sink.event)),
      event: sink.event,
      warn: log.warn,
    });
    const host = new ActorHost(
      opts.nodeId,
      machine,
      deployments,
      {
        platformLog: (record, lines) => {
          opts.metrics?.recordChanged(record, lines.length);
          for (const line of lines)
            void publisher.event(metaOf(record), line).catch((e) => log.warn('could not publish a platform event', e));
        },
        transition: (report) => {
          publishTransition(conn, report);
          opts.metrics?.transition(report, host.recordOf(report.id));
        },
        changed: (record) => housekeeper.changed(record),
        warn: log.warn,
      },
      platformLines,
    );
    ctx = {
      settings,
      notifier,
      conn,
      deployments,
      routes,
      sources,
      variables,
      keyRing: opts.keys,
      fingerprintKey: () => fingerprintKey(opts.keys.current()),
      host,
      index,
      transitions,
      slots,
      planLock: new KeyLock(),
      requests: new RequestMemo(),
      recordOf: (id) => host.recordOf(id) ?? index.get(id)?.record ?? null,
      records: (filter) => index.list(filter).map((r) => host.recordOf(r.id) ?? r),
      deliver: (id: string, event: DeploymentEvent): Promise<DeploymentRecord> => deliverAnywhere(ctx, id, event),
      createDeployment: async (spec, trigger) => {
        if (spec.nodeId === opts.nodeId) return host.create(spec, trigger);
        const record = await createStored(machine, deployments, spec, trigger, spec.nodeId!);
        for (const line of platformLines(null, record))
          void publisher.event(metaOf(record), line).catch(() => undefined);
        return record;
      },
      cluster,
      availability: new RuntimeAvailability(runtimes),
    };
    // Deployments the leader placed here arrive through the KV watch; so do ones this node owned before a restart.
    index.onPut = (change) => {
      const { value, revision } = change;
      if (value.owner === opts.nodeId && !host.isHosted(value.record.id) && !isDormant(value.record.state.stage)) {
        void host.restoreOwned([{ revision, value }]).catch((e) => log.warn(`could not host ${value.record.id}`, e));
      }
    };
    index.onChange = (previous, change) => notifier.observe(previous, change.value);
    opts.metrics?.attach(() => ctx.records({}));
    await ctx.availability.start();
    const housekeeper = new Housekeeper(ctx, runtimes, opts.keepRecords, log);
    const agent = new Agent(ctx, runtimes, publisher, log);
    await index.start(deployments, (e) => log.warn('deployment watch error', e));
    const restored = await host.restoreOwned(await deployments.list());
    log.info(`restored ${restored} deployment actor(s)`);
    await reconcileWorkloads(ctx, runtimes, log);
    // Releases built here for other nodes' deployments are pruned by the same rule as this node's own.
    const instances = new InstanceHost(
      opts.nodeId,
      deployments,
      runtime,
      (spec) =>
        void housekeeper
          .pruneReleases(spec.environmentName, spec.serviceName)
          .catch((e) => log.warn(`pruning releases of ${spec.serviceName} failed`, e)),
    );
    agent.membership = new ClusterMembership(
      ctx,
      (id) => stopWorkloadOf(deployments, runtime, id).then(() => undefined),
      log,
      opts.edge ?? false,
      (req) => instances.handle(req),
    );
    await agent.membership.start();
    agent.api = await serveApi(
      conn.nc,
      apiHandlers(ctx),
      { nodeId: opts.nodeId, version: opts.version },
      (verb, e) => log.warn(`internal error in ${verb}`, e),
      {
        // `status` reads the index and the hosted actors only: its reply stands until either moves.
        status: { version: () => index.version + host.changes },
      },
    );
    return agent;
  }

  /**
   * An orderly stop. Deployments that had not switched fail (their node stopped); the rest are persisted
   * as they are and continue when the agent starts again. Workloads stop unless `keepWorkloads`.
   */
  async stop(keepWorkloads: boolean): Promise<void> {
    await this.api?.stop();
    await this.membership?.stop();
    await shutdownDeployments(this.ctx, this.runtimes, keepWorkloads, this.log);
    await this.ctx.index.stop();
    this.ctx.transitions.stop();
    await this.ctx.cluster.membership.stop();
    this.ctx.availability.stop();
    await Promise.all([...this.runtimes.values()].map((r) => r.close()));
    await this.publisher.close();
    this.ctx.notifier.close();
  }
}
