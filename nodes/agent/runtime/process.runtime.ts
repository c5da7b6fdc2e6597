// The process runtime for the agent: releases from the object store, builds, workloads and their logs via ProcessDriver.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorText, CompartmentError, logTime } from '../../../packages/protocol/index.js';
import {
  ProcessDriver,
  chooseReleaseDir,
  prepareReleaseRoot,
  resolveWorkloadUser,
  type LogTail,
  type WorkloadKey,
  type WorkloadUser,
} from '../../../packages/process-driver/index.js';
import type { DeploymentSpec, WorkloadRef } from '../../../machines/deployment/index.js';
import { runReleasePhase } from './release-phase.js';
import type { ExitReport, KnownWorkload, OutputSink, ProbeTarget, WorkloadRuntime } from './workload-runtime.js';

export interface ProcessRuntimeOptions {
  dataDir: string;
  host: string;
  nodeId: string;
  sink: OutputSink;
  /** Writes the source tarball of `digest` to `path` (from the object store). */
  fetchSource(digest: string, path: string): Promise<void>;
  /** As root: whom builds and workloads run as (default compartment-run); ignored otherwise. */
  workloadUser?: string;
  /** `dataDir` was asked for explicitly (--workload-dir): it is used even when the workload user cannot reach it. */
  explicitDir?: boolean;
  warn?(message: string): void;
}

/** `slot`: which of the release's workloads on this node (instances beyond the nodes share one); absent: the release. */
const keyOf = (spec: DeploymentSpec, slot?: number): WorkloadKey => ({
  env: spec.environmentName,
  service: spec.serviceName,
  deploymentId: spec.id,
  ...(slot ? { slot } : {}),
});
const tailKey = (id: string, slot?: number) => (slot ? `${id}/${slot}` : id);

export class ProcessRuntime implements WorkloadRuntime {
  readonly kind = 'process' as const;
  private readonly driver: ProcessDriver;
  private readonly tails = new Map<string, Promise<LogTail>>();
  private readonly runAs: WorkloadUser | null = null;
  /** Why no workload can run here (no such workload user, releases out of its reach); checked once. */
  private readonly refusal: Promise<string | null>;

  constructor(private readonly opts: ProcessRuntimeOptions) {
    let missing: string | null = null;
    try {
      this.runAs = resolveWorkloadUser(opts.workloadUser);
    } catch (error) {
      missing = errorText(error);
    }
    const { dir, moved } = chooseReleaseDir(opts.dataDir, this.runAs, opts.nodeId, opts.explicitDir ?? false);
    if (moved !== null) opts.warn?.(`${moved}: process releases go to ${dir} instead`);
    this.driver = new ProcessDriver({ dataDir: dir, host: opts.host, runAs: this.runAs });
    this.refusal =
      missing !== null ? Promise.resolve(missing) : prepareReleaseRoot(dir, this.runAs).catch((e: Error) => e.message);
  }

  async build(spec: DeploymentSpec, signal: AbortSignal): Promise<void> {
    const refusal = await this.refusal;
    if (refusal !== null) throw new CompartmentError('BUILD_FAILED', refusal);
    const key = keyOf(spec);
    const tmp = await mkdtemp(join(tmpdir(), 'compartment-source-'));
    try {
      const file = join(tmp, 'source.tar.gz');
      await this.opts.fetchSource(spec.sourceDigest, file);
      await this.driver.extract(key, file);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    if (!spec.service.build) return;
    this.opts.sink.event(spec, `build: ${spec.service.build}`);
    const pending: Promise<void>[] = [];
    const result = await this.driver.build(key, {
      command: spec.service.build,
      env: spec.variables,
      signal,
      // Lines go out as the build prints them, not after it.
      onLine: (stream, text) => void pending.push(this.opts.sink.output(spec, stream, [{ time: logTime(), text }])),
    });
    await Promise.all(pending);
    this.opts.sink.event(spec, result.skipped ? 'build already complete' : 'build complete');
  }

  release(spec: DeploymentSpec, signal: AbortSignal): Promise<void> {
    return runReleasePhase(spec, this.opts.sink, signal, (run) => this.driver.release(keyOf(spec), run));
  }

  async start(spec: DeploymentSpec, port?: number | null, slot?: number): Promise<WorkloadRef> {
    const refusal = await this.refusal;
    if (refusal !== null) throw new CompartmentError('START_FAILED', refusal);
    const key = keyOf(spec, slot);
    const started = await this.driver.start(key, {
      command: spec.service.start!,
      env: spec.variables,
      ...(port ? { port } : {}),
    });
    await this.ensureTail(spec, slot);
    if (!started.adopted)
      this.opts.sink.event(spec, `started: ${spec.service.start} (pid ${started.pid}, port ${started.port})`);
    return { driver: 'process', ref: started.ref, host: started.host, port: started.port, nodeId: this.opts.nodeId };
  }

  watch(spec: DeploymentSpec, onExit: (exit: ExitReport) => void): () => void {
    return this.driver.watch(keyOf(spec), onExit);
  }

  async stop(spec: DeploymentSpec, graceMs: number, slot?: number): Promise<void> {
    const slots = slot === undefined ? [0, ...(await this.driver.slots(keyOf(spec)))] : [slot];
    await Promise.all(
      slots.map(async (n) => {
        const result = await this.driver.stop(keyOf(spec, n), graceMs);
        if (result.wasRunning)
          this.opts.sink.event(
            spec,
            `stopped (${result.signal === 'SIGKILL' ? `killed after ${graceMs} ms grace` : 'SIGTERM'})`,
          );
        await this.closeTail(tailKey(spec.id, n));
      }),
    );
  }

  probeTarget(spec: DeploymentSpec, workload: WorkloadRef): ProbeTarget {
    const user = this.runAs ? { user: { uid: this.runAs.uid, gid: this.runAs.gid } } : {};
    return {
      host: workload.host,
      port: workload.port,
      cwd: this.driver.appDir(keyOf(spec)),
      env: this.driver.env({ ...spec.variables, PORT: String(workload.port) }),
      ...user,
    };
  }

  async list(): Promise<KnownWorkload[]> {
    return (await this.driver.list()).map((w) => ({
      deploymentId: w.deploymentId,
      environmentName: w.env,
      serviceName: w.service,
      ...(w.slot ? { slot: w.slot } : {}),
      running: w.running,
    }));
  }

  async stopOrphan(w: KnownWorkload, graceMs: number): Promise<void> {
    const key = { env: w.environmentName, service: w.serviceName, deploymentId: w.deploymentId };
    await this.driver.stop(w.slot ? { ...key, slot: w.slot } : key, graceMs);
  }

  async prune(environmentName: string, serviceName: string, keepIds: readonly string[]): Promise<void> {
    await this.driver.prune(environmentName, serviceName, keepIds);
  }

  async close(): Promise<void> {
    const ids = [...this.tails.keys()];
    await Promise.all(ids.map((id) => this.closeTail(id)));
  }

  /** Follows the workload's log files into the sink; batches carry ids so a replay after a crash is recognisable. */
  private ensureTail(spec: DeploymentSpec, slot?: number): Promise<LogTail> {
    const key = tailKey(spec.id, slot);
    let tail = this.tails.get(key);
    if (!tail) {
      tail = this.driver.tailLogs(keyOf(spec, slot), (stream, batch) =>
        this.opts.sink.output(spec, stream, batch.lines),
      );
      this.tails.set(key, tail);
    }
    return tail;
  }

  private async closeTail(id: string): Promise<void> {
    const tail = this.tails.get(id);
    if (!tail) return;
    this.tails.delete(id);
    const t = await tail;
    await t.flush();
    await t.close();
  }
}
