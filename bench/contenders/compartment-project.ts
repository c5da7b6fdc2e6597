// A throwaway Compartment project driven through the real executable, with a watch on its route writes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Project, type Context } from '../../test/harness/project.js';
import { freeDualPort, freePort, freePortRange } from '../../test/harness/ports.js';
import { connectCluster, credentialsOptions, RouteStore, type ClusterConnection } from '../../cluster/index.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { isoMs, nowMs, listenersOn, runTimed, COMPARTMENT_BIN, type Cleanup, type Timed } from '../harness/index.js';

export interface RouteWrite {
  deploymentId: string;
  service: string;
  /** The node whose workload the route now points at. */
  nodeId: string | null;
  /** The route record's `updatedAt`: set by the node agent just before its compare-and-swap write. */
  at: number;
  /** When this process saw it in its KV watch. */
  seenAt: number;
}

export interface CliRun extends Timed {
  /** The deployment the command created or promoted. */
  deploymentId: string | null;
}

/** Ports `up` would otherwise pick from 8100 upwards, like every other cluster started on this machine. */
const ROUTE_PORTS = 100;

/**
 * `.compartment/cluster.json` with ports of the bench's own choosing: `up` keeps the ports it finds there. A
 * random high route range makes a clash with another cluster starting at the same moment (whose pick prefers
 * 8100–9999) unlikely; the listener check in `start` catches what is left.
 */
async function clusterFile(dataDir: string): Promise<string> {
  const routes = await freePortRange(ROUTE_PORTS);
  const ports = {
    nats: await freePort(),
    dns: await freeDualPort(),
    caddyAdmin: await freePort(),
    routes: [routes[0], routes.at(-1)],
    dashboard: await freePort(),
    https: await freePort(),
    http: await freePort(),
  };
  return JSON.stringify({ ports, dataDir }, null, 2);
}

export class BenchProject {
  readonly routeWrites: RouteWrite[] = [];
  private conn: ClusterConnection | null = null;

  private constructor(readonly project: Project) {}

  /**
   * Writes the files, `compartment up --detach`, and watches the routes bucket. Cleanup runs `down` and removes it all.
   * On this shared machine another `up` starting at the same moment can pick the same route ports (and Caddy
   * binds them with SO_REUSEPORT, so both succeed and split the traffic): such a cluster is discarded and started again.
   */
  static async start(
    files: Record<string, string>,
    cleanup: Cleanup,
    log: (line: string) => void = () => undefined,
    upArgs: string[] = [],
    upEnv: NodeJS.ProcessEnv = {},
  ): Promise<BenchProject> {
    for (let attempt = 1; ; attempt++) {
      const bp = new BenchProject(new Project(files));
      // A multi-node `up` (upArgs) keeps other ports than a single node's: it picks its own.
      if (upArgs.length === 0)
        bp.write({ '.compartment/cluster.json': await clusterFile(join(bp.dir, '.compartment')) });
      let removed: Promise<void> | null = null;
      const remove = () => (removed ??= bp.project.remove());
      cleanup.add(`compartment down in ${bp.dir}`, remove);
      const { pid, ports } = await bp.up(upArgs, upEnv);
      // Only if the bench crashes: the supervisor stops its own children on SIGTERM.
      cleanup.pid(
        'compartment supervisor',
        () => pid,
        () => undefined,
        'SIGTERM',
      );
      const routePort = ports?.routes?.[0];
      const shared = routePort === undefined ? 1 : listenersOn(routePort);
      if (shared > 1 && attempt < 3) {
        log(
          `route port ${routePort} has ${shared} listeners (another cluster started at the same time): starting again`,
        );
        await remove();
        continue;
      }
      if (shared > 1)
        throw new Error(`route port ${routePort} is shared with another server ${attempt} times in a row`);
      await bp.watchRoutes(cleanup);
      return bp;
    }
  }

  /** `compartment up --detach` plus `extra`; the cluster's context once the API answers. */
  private async up(extra: string[], env: NodeJS.ProcessEnv): Promise<Context> {
    await this.cli(['up', '--detach', ...extra], 120_000, env);
    return this.project.context();
  }

  private async watchRoutes(cleanup: Cleanup): Promise<void> {
    // The bench seeds records and calls the API: the control-plane role (absent when `up` ran with auth off).
    const creds = join(this.project.dir, '.compartment', 'credentials', 'node.creds');
    this.conn = await connectCluster({
      servers: this.natsUrl.split(','),
      name: 'compartment-bench',
      nats: existsSync(creds) ? credentialsOptions(creds) : {},
    });
    cleanup.add('close the bench NATS connection', () => this.conn?.close());
    const routes = await RouteStore.open(this.conn);
    const watcher = routes.watchAll((change) => {
      if (change.type !== 'put' || change.initial) return;
      const r = change.route;
      this.routeWrites.push({
        deploymentId: r.deploymentId ?? '',
        service: r.serviceName,
        nodeId: r.upstreams[0]?.nodeId ?? null,
        at: isoMs(r.updatedAt),
        seenAt: nowMs(),
      });
    });
    cleanup.add('stop the route watch', () => watcher.stop());
    await watcher.ready;
  }

  get dir(): string {
    return this.project.dir;
  }

  get natsUrl(): string {
    return this.project.context().natsUrl;
  }

  get connection(): ClusterConnection {
    if (!this.conn) throw new Error('project not started');
    return this.conn;
  }

  write(files: Record<string, string>): void {
    this.project.write(files);
  }

  /** Runs `compartment <args>` in the project, timed from spawn to exit; a non-zero exit is an error. */
  async cli(args: string[], timeoutMs = 120_000, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
    const r = await runTimed(process.execPath, [COMPARTMENT_BIN, ...args], { cwd: this.dir, timeoutMs, env });
    if (r.code !== 0) throw new Error(`compartment ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    const id =
      /deployment (\S+) created/.exec(r.stdout)?.[1] ?? /rolling back from \S+ to (\S+)/.exec(r.stdout)?.[1] ?? null;
    return { ...r, deploymentId: id };
  }

  async json<T>(args: string[]): Promise<T> {
    return JSON.parse((await this.cli([...args, '--json'])).stdout) as T;
  }

  async active(service = 'web'): Promise<DeploymentRecord> {
    const active = (await this.json<DeploymentRecord[]>(['status', '--service', service])).find((r) => r.isActive);
    if (!active) throw new Error(`no active deployment of ${service}`);
    return active;
  }

  /** The route write of `deploymentId`, if the watch has seen it. */
  routeWriteOf(deploymentId: string): RouteWrite | null {
    return this.routeWrites.find((w) => w.deploymentId === deploymentId) ?? null;
  }
}
