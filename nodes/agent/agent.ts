// The node agent: opens the stores, hosts deployment actors with their effects filled in, serves the API.
import { CompartmentError, type DeploymentRecord, type Runtime } from '../../packages/protocol/index.js';
import type { DeploymentEvent } from '../../machines/deployment/index.js';
import type { ClusterConnection } from '../../cluster/connection/index.js';
import { ensureCluster, type EnsureClusterOptions } from '../../cluster/setup/index.js';
import { DeploymentStore } from '../../cluster/deployments/index.js';
import { RouteStore } from '../../cluster/routes/index.js';
import { SourceStore } from '../../cluster/sources/index.js';
import { VariableStore } from '../../cluster/variables/index.js';
import { LogPublisher } from '../../cluster/logs/index.js';
import { ActorHost } from './host/actor-host.js';
import { DeploymentIndex } from './deployment-index.js';
import { BuildSlots } from './build-slots.js';
import { KeyedMutex } from '../shared/keyed-mutex.js';
import { provideEffects } from './effects/index.js';
import { EdgeRouter } from './routing/edge.router.js';
import { ProcessRuntime } from './runtime/process.runtime.js';
import type { WorkloadRuntime } from './runtime/workload-runtime.js';
import { platformLines } from './platform-log.js';
import { serveApi, type ApiServer } from './api/api.server.js';
import { apiHandlers } from './api/handlers.js';
import type { AgentContext, AgentSettings } from './agent-context.js';
import { metaOf, outputSink, publishTransition, workloadOf, stopWorkloadOf } from './agent-wiring.js';
import { reconcileWorkloads, shutdownDeployments } from './agent-lifecycle.js';
import { Housekeeper } from './housekeeping.js';

export interface AgentOptions extends Omit<AgentSettings, 'runtimes' | 'startedAt'> {
  dataDir: string;
  buildSlots: number;
  /** The address other machines (and the edge) dial to reach this node's workloads. */
  workloadHost: string;
  /** Deployment records kept per service and environment (history); older ones are removed. */
  keepRecords: number;
  cluster?: EnsureClusterOptions;
}

export interface Logger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
}

export class Agent {
  private api: ApiServer | null = null;
  private constructor(
    readonly ctx: AgentContext,
    private readonly runtimes: Map<Runtime, WorkloadRuntime>,
    private readonly publisher: LogPublisher,
    private readonly log: Logger,
  ) {}

  static async start(conn: ClusterConnection, opts: AgentOptions, log: Logger): Promise<Agent> {
    await ensureCluster(conn, opts.cluster);
    const [deployments, routes, sources, variables] = await Promise.all([
      DeploymentStore.open(conn),
      RouteStore.open(conn),
      SourceStore.open(conn),
      VariableStore.open(conn),
    ]);
    const publisher = new LogPublisher(conn);
    const sink = outputSink(publisher, log.warn);
    const runtimes = new Map<Runtime, WorkloadRuntime>([
      ['process', new ProcessRuntime({ dataDir: `${opts.dataDir}/process`, host: opts.workloadHost, nodeId: opts.nodeId, sink, fetchSource: (d, p) => sources.getToFile(d, p).then(() => undefined) })],
    ]);
    const settings: AgentSettings = { ...opts, runtimes: [...runtimes.keys()], startedAt: new Date().toISOString() };
    const index = new DeploymentIndex();
    const slots = new BuildSlots(opts.buildSlots);
    const runtime = (kind: Runtime) => {
      const rt = runtimes.get(kind);
      if (!rt) throw new CompartmentError('NO_NODE_AVAILABLE', `node ${opts.nodeId} does not offer runtime ${kind}`);
      return rt;
    };

    // The host and the effects refer to each other (a switch tells the previous deployment it was replaced).
    let ctx!: AgentContext;
    const router = new EdgeRouter({
      conn,
      routes,
      routePorts: opts.routePorts,
      recordOf: async (id) => ctx.recordOf(id) ?? (await deployments.get(id))?.value.record ?? null,
      workloadOf: (id) => workloadOf(deployments, id),
      event: sink.event,
    });
    const machine = provideEffects({
      runtime,
      slots,
      router,
      deliver: async (id, event) => void (await ctx.deliver(id, event)),
      stopDeployment: async (id) => void (await stopWorkloadOf(deployments, runtime, id)),
      event: sink.event,
      warn: log.warn,
    });
    const host = new ActorHost(
      opts.nodeId,
      machine,
      deployments,
      {
        platformLog: (record, lines) => {
          for (const line of lines) void publisher.event(metaOf(record), line).catch((e) => log.warn('could not publish a platform event', e));
        },
        transition: (report) => publishTransition(conn, report),
        changed: (record) => housekeeper.changed(record),
        warn: log.warn,
      },
      platformLines,
    );
    ctx = {
      settings,
      conn,
      deployments,
      routes,
      sources,
      variables,
      host,
      index,
      slots,
      planning: new KeyedMutex(),
      recordOf: (id) => host.recordOf(id) ?? index.get(id)?.record ?? null,
      records: (filter) => index.list(filter).map((r) => host.recordOf(r.id) ?? r),
      deliver: (id: string, event: DeploymentEvent): Promise<DeploymentRecord> => host.deliver(id, event),
    };
    const housekeeper = new Housekeeper(ctx, runtimes, opts.keepRecords, log);
    const agent = new Agent(ctx, runtimes, publisher, log);
    await index.start(deployments, (e) => log.warn('deployment watch error', e));
    const restored = await host.restoreOwned(await deployments.list());
    log.info(`restored ${restored} deployment actor(s)`);
    await reconcileWorkloads(ctx, runtimes, log);
    agent.api = await serveApi(conn.nc, apiHandlers(ctx), { nodeId: opts.nodeId, version: opts.version }, (verb, e) => log.warn(`internal error in ${verb}`, e));
    return agent;
  }

  /**
   * An orderly stop. Deployments that had not switched fail (their node stopped); the rest are persisted
   * as they are and continue when the agent starts again. Workloads stop unless `keepWorkloads`.
   */
  async stop(keepWorkloads: boolean): Promise<void> {
    await this.api?.stop();
    await shutdownDeployments(this.ctx, this.runtimes, keepWorkloads, this.log);
    await this.ctx.index.stop();
    await Promise.all([...this.runtimes.values()].map((r) => r.close()));
    await this.publisher.close();
  }
}
