// The Docker runtime for the agent: images built from the uploaded source, one container per deployment, through DockerDriver.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompartmentError, DEFAULT_CONTAINER_PORT, isRoutable, logTime } from '../../../packages/protocol/index.js';
import {
  DockerDriver,
  defaultDockerSocket,
  type DockerKey,
  type OutputTarget,
  type StoredLine,
} from '../../../packages/docker-driver/index.js';
import type { DeploymentSpec, WorkloadRef } from '../../../machines/deployment/index.js';
import { runReleasePhase } from './release-phase.js';
import type {
  ExitReport,
  KnownWorkload,
  OutputLine,
  OutputSink,
  ProbeTarget,
  WorkloadRuntime,
} from './workload-runtime.js';

export interface DockerRuntimeOptions {
  /** The engine's unix socket; default: DOCKER_HOST (unix://…), else /var/run/docker.sock. */
  socketPath?: string;
  /** Where log cursors live across agent restarts. */
  dataDir: string;
  /** The address container ports are published on: the one the edge dials. */
  host: string;
  nodeId: string;
  sink: OutputSink;
  /** Resolves once every line given to the sink so far is stored (the log publisher's flush): log cursors wait for it. */
  outputStored(): Promise<void>;
  /** The deployment's lines already in the log stream since a time: a follower resuming after a crash skips them. */
  storedOutput?(spec: DeploymentSpec, since: string | undefined): Promise<StoredLine[]>;
  /** Writes the source tarball of `digest` to `path` (from the object store). */
  fetchSource(digest: string, path: string): Promise<void>;
  warn(message: string, error?: unknown): void;
}

const containerPortOf = (spec: DeploymentSpec) => spec.service.port ?? DEFAULT_CONTAINER_PORT;
/** Routable services are dialled by the edge; others only when they name a port or a probe needs one. */
const publishes = (spec: DeploymentSpec) =>
  isRoutable(spec.serviceType) ||
  spec.service.port !== undefined ||
  spec.service.readiness?.path !== undefined ||
  spec.service.readiness?.tcp === true;
const short = (id: string) => id.slice(0, 12);

export class DockerRuntime implements WorkloadRuntime {
  readonly kind = 'docker' as const;
  private readonly driver: DockerDriver;

  constructor(private readonly opts: DockerRuntimeOptions) {
    this.driver = new DockerDriver({
      socketPath: opts.socketPath ?? defaultDockerSocket(),
      nodeId: opts.nodeId,
      host: opts.host,
      stateDir: opts.dataDir,
      warn: opts.warn,
      outputStored: opts.outputStored,
    });
  }

  /**
   * An instance this node runs for a deployment another node owns gets its own container name: nodes of one machine
   * (`up --nodes 3`) share the engine, and the owner's container already has the deployment's name. `slot`: which of
   * the deployment's instances on this node (given, `stop` stops only that one).
   */
  private keyOf(spec: DeploymentSpec, slot?: number): DockerKey {
    const key: DockerKey = { env: spec.environmentName, service: spec.serviceName, deploymentId: spec.id };
    if (spec.nodeId !== null && spec.nodeId !== this.opts.nodeId) key.instance = this.opts.nodeId;
    if (slot !== undefined) key.slot = slot;
    return key;
  }

  ensureAvailable(): Promise<void> {
    return this.driver.ping();
  }

  async build(spec: DeploymentSpec, signal: AbortSignal): Promise<void> {
    const key = this.keyOf(spec);
    const tag = this.driver.imageTag(key);
    // No engine: DOCKER_UNAVAILABLE naming the socket, before the source is fetched.
    if (await this.driver.imageExists(key))
      return void this.opts.sink.event(spec, `build already complete (image ${tag})`);
    const tmp = await mkdtemp(join(tmpdir(), 'compartment-context-'));
    const pending: Promise<void>[] = [];
    try {
      const file = join(tmp, 'source.tar.gz');
      await this.opts.fetchSource(spec.sourceDigest, file);
      this.opts.sink.event(spec, `build: docker build -f ${spec.service.dockerfile} (image ${tag})`);
      await this.driver.build(key, {
        contextFile: file,
        dockerfile: spec.service.dockerfile,
        signal,
        // Lines go out as Docker reports them, not after the build.
        onLine: (text) => void pending.push(this.opts.sink.output(spec, 'stdout', [{ time: logTime(), text }])),
      });
    } finally {
      await Promise.allSettled(pending);
      await rm(tmp, { recursive: true, force: true });
    }
    this.opts.sink.event(spec, `build complete (image ${tag})`);
  }

  /** The release command in a container of the candidate's image, with its variables; output on stdout/stderr. */
  release(spec: DeploymentSpec, signal: AbortSignal): Promise<void> {
    return runReleasePhase(spec, this.opts.sink, signal, (run) => this.driver.release(this.keyOf(spec), run));
  }

  async start(spec: DeploymentSpec, port?: number | null, slot?: number): Promise<WorkloadRef> {
    const key = this.keyOf(spec, slot);
    const r = spec.service.resources;
    const started = await this.driver.start(key, {
      env: spec.variables,
      containerPort: containerPortOf(spec),
      publish: publishes(spec),
      hostPort: port ?? null,
      ...(r?.memoryMb !== undefined ? { memoryMb: r.memoryMb } : {}),
      ...(r?.cpus !== undefined ? { cpus: r.cpus } : {}),
    });
    if (publishes(spec) && started.hostPort === null) {
      throw new CompartmentError(
        'START_FAILED',
        `container ${short(started.id)} runs but its port ${containerPortOf(spec)} is not published`,
      );
    }
    await this.follow(spec, started.id, started.adopted, slot);
    if (!started.adopted) {
      const where =
        started.hostPort === null
          ? 'no port published'
          : `${started.host}:${started.hostPort} → ${containerPortOf(spec)}`;
      this.opts.sink.event(spec, `started container ${short(started.id)} from ${this.driver.imageTag(key)} (${where})`);
    }
    return { driver: 'docker', ref: started.id, host: started.host, port: started.hostPort, nodeId: this.opts.nodeId };
  }

  watch(spec: DeploymentSpec, onExit: (exit: ExitReport) => void): () => void {
    // After an agent restart nothing called start for a candidate in readiness: its output is picked up here.
    void this.driver
      .inspect(this.keyOf(spec))
      .then((c) => (c ? this.follow(spec, c.id, true) : undefined))
      .catch((e) => this.opts.warn(`could not resume the output of ${spec.id}`, e));
    return this.driver.watch(this.keyOf(spec), onExit);
  }

  async stop(spec: DeploymentSpec, graceMs: number, slot?: number): Promise<void> {
    // A previous deployment drained after an agent restart was not followed since: its last lines still go out.
    await this.driver
      .resumeLogs(this.keyOf(spec, slot), this.output(spec, true))
      .catch((e) => this.opts.warn(`could not resume the output of ${spec.id}`, e));
    const result = await this.driver.stop(this.keyOf(spec, slot), graceMs);
    if (result.wasRunning) {
      const killed = result.exit?.signal === 'SIGKILL';
      this.opts.sink.event(
        spec,
        `stopped and removed the container (${killed ? `killed after ${graceMs} ms grace` : 'docker stop'})`,
      );
    }
  }

  probeTarget(spec: DeploymentSpec, workload: WorkloadRef): ProbeTarget {
    // Probes run on this host: PORT is where they reach the container from here, not the port inside it.
    return {
      host: workload.host,
      port: workload.port,
      env: { ...spec.variables, ...(workload.port !== null ? { PORT: String(workload.port) } : {}) },
    };
  }

  async list(): Promise<KnownWorkload[]> {
    try {
      return (await this.driver.list()).map((c) => ({
        deploymentId: c.deploymentId,
        environmentName: c.env,
        serviceName: c.service,
        ...(c.slot ? { slot: c.slot } : {}),
        running: c.running,
      }));
    } catch (error) {
      // The agent must start (and serve process services) without an engine; Docker services get a clear error instead.
      if (error instanceof CompartmentError && error.code === 'DOCKER_UNAVAILABLE')
        return (this.opts.warn(`docker containers not reconciled: ${error.message}`), []);
      throw error;
    }
  }

  async stopOrphan(w: KnownWorkload, graceMs: number): Promise<void> {
    await this.driver.stop({ env: w.environmentName, service: w.serviceName, deploymentId: w.deploymentId }, graceMs);
  }

  async prune(environmentName: string, serviceName: string, keepIds: readonly string[]): Promise<void> {
    try {
      await this.driver.prune(environmentName, serviceName, keepIds);
    } catch (error) {
      if (error instanceof CompartmentError && error.code === 'DOCKER_UNAVAILABLE') return;
      throw error;
    }
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  /** `resuming`: a container an earlier agent followed (adopted, or watched after a restart), not one just created. */
  private follow(spec: DeploymentSpec, containerId: string, resuming: boolean, slot?: number): Promise<void> {
    return this.driver.followLogs(this.keyOf(spec, slot), containerId, this.output(spec, resuming));
  }

  private output(spec: DeploymentSpec, resuming: boolean): OutputTarget {
    const storedOutput = this.opts.storedOutput;
    return {
      onLines: (stream: 'stdout' | 'stderr', lines: OutputLine[]) => this.opts.sink.output(spec, stream, lines),
      ...(resuming && storedOutput ? { storedSince: (since: string | undefined) => storedOutput(spec, since) } : {}),
    };
  }
}
