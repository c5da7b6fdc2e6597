// Runs deployments as Docker containers on one engine, keyed by { env, service, deploymentId }; every operation is idempotent.
import { dirname, join } from 'node:path';
import { access, mkdir, writeFile } from 'node:fs/promises';
import type Docker from 'dockerode';
import { dockerClient, pingEngine } from './docker-client.js';
import { asCompartmentError, isNotFound } from './docker-errors.js';
import {
  containerName,
  imageTag,
  keyOfLabels,
  labelFilter,
  labelsOf,
  streamOf,
  type DockerKey,
} from './docker-names.js';
import { buildImage } from './image-builder.js';
import { pruneImages } from './image-pruner.js';
import { launch } from './container-launcher.js';
import { runRelease, type ReleaseRequest } from './release-runner.js';
import { watchContainer, type ExitReport } from './container-watcher.js';
import { stopContainer, type StopResult } from './container-stopper.js';
import { LogFollower } from './log-follower.js';
import { LogFollowers } from './log-followers.js';
import { removeCursor } from './cursor.store.js';
import { KeyLock } from '../key-lock/index.js';
import type {
  BuildRequest,
  ContainerStatus,
  DockerDriverOptions,
  OutputTarget,
  Started,
  StartRequest,
} from './driver.types.js';

export class DockerDriver {
  private readonly docker: Docker;
  private readonly lock = new KeyLock();
  private readonly followers = new LogFollowers();

  constructor(private readonly opts: DockerDriverOptions) {
    this.docker = dockerClient(opts.socketPath);
  }

  /** Throws DOCKER_UNAVAILABLE naming the socket when no engine answers. */
  ping(): Promise<void> {
    return pingEngine(this.docker, this.opts.socketPath);
  }

  imageTag(key: DockerKey): string {
    return imageTag(key);
  }

  async imageExists(key: DockerKey): Promise<boolean> {
    return this.call('INTERNAL', async () => {
      try {
        await this.docker.getImage(imageTag(key)).inspect();
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    });
  }

  /** Builds the deployment's image unless it exists; a failed build throws BUILD_FAILED with Docker's message. */
  build(key: DockerKey, req: BuildRequest): Promise<{ tag: string; skipped: boolean }> {
    return this.lock.run(`build:${key.deploymentId}`, async () => {
      const tag = imageTag(key);
      await this.ping();
      if (await this.imageExists(key)) return { tag, skipped: true };
      await this.call('BUILD_FAILED', () =>
        buildImage(this.docker, { ...req, tag, labels: labelsOf(this.opts.nodeId, key) }),
      );
      return { tag, skipped: false };
    });
  }

  /**
   * The release phase: `req.command` once in a container of the deployment's image (after the build). A marker in the
   * state dir makes it run once per deployment, also when the agent restarts after it finished.
   */
  release(key: DockerKey, req: ReleaseRequest): Promise<{ skipped: boolean }> {
    return this.lock.run(`release:${key.deploymentId}`, async () => {
      const marker = join(this.opts.stateDir, 'releases', `${key.deploymentId}.ok`);
      if (
        await access(marker).then(
          () => true,
          () => false,
        )
      )
        return { skipped: true };
      await this.ping();
      // Labelled apart from workloads: list, stop and reconcile never take it for the deployment's container.
      const labels = { 'compartment.release': key.deploymentId };
      await runRelease(this.docker, { name: `${containerName(key)}-release`, image: imageTag(key), labels }, req);
      await mkdir(dirname(marker), { recursive: true });
      await writeFile(marker, '');
      return { skipped: false };
    });
  }

  /** Starts the deployment's container from its image, or adopts the running one. */
  start(key: DockerKey, req: StartRequest): Promise<Started> {
    return this.lock.run(streamOf(key), () =>
      this.call('START_FAILED', async () => {
        const launched = await launch(
          this.docker,
          {
            name: containerName(key),
            image: imageTag(key),
            env: req.env,
            labels: labelsOf(this.opts.nodeId, key),
            containerPort: req.containerPort,
            ...(req.publish ? { publish: { hostIp: this.opts.host, hostPort: req.hostPort ?? null } } : {}),
            ...(req.memoryMb !== undefined ? { memoryMb: req.memoryMb } : {}),
            ...(req.cpus !== undefined ? { cpus: req.cpus } : {}),
          },
          () => this.followers.end(streamOf(key)),
        );
        return { id: launched.id, host: this.opts.host, hostPort: launched.hostPort, adopted: launched.adopted };
      }),
    );
  }

  /** The deployment's container now, or null when it has none. */
  async inspect(key: DockerKey): Promise<{ id: string; running: boolean } | null> {
    return this.call('INTERNAL', async () => {
      try {
        const info = await this.docker.getContainer(containerName(key)).inspect();
        return { id: info.Id, running: info.State.Running };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    });
  }

  /** Calls `onExit` once when the deployment's container ends (at once if it is not running or gone). */
  watch(key: DockerKey, onExit: (exit: ExitReport) => void): () => void {
    return watchContainer(this.docker, containerName(key), onExit, this.opts.warn);
  }

  /**
   * docker stop with the grace, then remove, for every container of the deployment on this node (with `key.slot`:
   * only that slot's); a no-op when there is none.
   */
  stop(key: DockerKey, graceMs: number): Promise<StopResult> {
    const only = key.slot === undefined ? null : `/${containerName(key)}`;
    return this.lock.run(streamOf(key), () =>
      this.call('INTERNAL', async () => {
        let result: StopResult = { wasRunning: false, exit: null };
        const all = await this.docker.listContainers({
          all: true,
          filters: { label: labelFilter(this.opts.nodeId, key) },
        });
        for (const c of all.filter((c) => only === null || c.Names.includes(only))) {
          const stream = streamOf(keyOfLabels(c.Labels) ?? key);
          const r = await stopContainer(this.docker, c.Id, graceMs, () => this.followers.end(stream));
          if (r.wasRunning) result = r;
          await this.followers.end(stream);
          await removeCursor(this.cursorFile(stream));
        }
        await this.followers.end(streamOf(key));
        await removeCursor(this.cursorFile(streamOf(key)));
        return result;
      }),
    );
  }

  /**
   * Follows the container's output into `output.onLines` (once per container; a later call for the same one is a no-op).
   * `output.storedSince` is for resuming after an agent restart (see LogFollowerOptions).
   */
  async followLogs(key: DockerKey, containerId: string, output: OutputTarget): Promise<void> {
    const cursorFile = this.cursorFile(streamOf(key));
    const { onLines, storedSince } = output;
    const start = () =>
      LogFollower.start({
        docker: this.docker,
        containerId,
        cursorFile,
        onLines,
        ...(storedSince ? { storedSince } : {}),
        stored: this.opts.outputStored,
        warn: this.opts.warn,
      });
    await this.followers.follow(streamOf(key), containerId, start).catch((error: unknown) => {
      throw asCompartmentError(error, this.opts.socketPath);
    });
  }

  /**
   * Picks up the output of a container whose follower was lost with an earlier agent (a cursor says where it stopped),
   * so a stop after a restart still publishes the last lines. Without a cursor there is nothing to resume.
   */
  async resumeLogs(key: DockerKey, output: OutputTarget): Promise<void> {
    const resumable = await access(this.cursorFile(streamOf(key))).then(
      () => true,
      () => false,
    );
    const container = resumable ? await this.inspect(key) : null;
    if (container) await this.followLogs(key, container.id, output);
  }

  /** This node's containers, running or not: what the agent reconciles with at start. */
  list(): Promise<ContainerStatus[]> {
    return this.call('INTERNAL', async () => {
      const all = await this.docker.listContainers({ all: true, filters: { label: labelFilter(this.opts.nodeId) } });
      return all.flatMap((c) => {
        const key = keyOfLabels(c.Labels);
        return key ? [{ ...key, id: c.Id, running: c.State === 'running' }] : [];
      });
    });
  }

  /** Removes the service's images (and stopped containers) except those of `keepIds`; returns the pruned deployment ids. */
  prune(env: string, service: string, keepIds: readonly string[]): Promise<string[]> {
    return this.call('INTERNAL', () => pruneImages(this.docker, { nodeId: this.opts.nodeId, env, service }, keepIds));
  }

  /** Stops following every container (the containers keep running). */
  close(): Promise<void> {
    return this.followers.closeAll();
  }

  private cursorFile(stream: string): string {
    return join(this.opts.stateDir, 'logs', `${stream}.json`);
  }

  private async call<T>(code: 'START_FAILED' | 'BUILD_FAILED' | 'INTERNAL', fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw asCompartmentError(error, this.opts.socketPath, code);
    }
  }
}
