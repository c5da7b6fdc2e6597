// The create-container request of a deployment: image, variables plus PORT, docker-init, labels, a published port, limits, log driver.
import type { ContainerCreateOptions } from 'dockerode';

export interface ContainerPlan {
  name: string;
  image: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  /** The port the app listens on inside the container; it also gets it as PORT. */
  containerPort: number;
  /** Publish `containerPort` on `hostIp`: at `hostPort`, or (null) at one the engine picks. Omitted: not published. */
  publish?: { hostIp: string; hostPort: number | null };
  memoryMb?: number;
  cpus?: number;
}

/**
 * Docker's default capabilities minus the ones an app has no use for (raw sockets, mknod, chroot, file capabilities,
 * audit): what is left lets an image bind low ports and drop to its own user. No setuid binary gains anything inside.
 */
const KEPT_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID', 'KILL', 'NET_BIND_SERVICE'];

/** json-file keeps timestamps per line (resumable with `since`); bounded so a chatty app cannot fill the disk. */
const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '20m', 'max-file': '3' } };

export function createOptions(plan: ContainerPlan): ContainerCreateOptions {
  const portKey = `${plan.containerPort}/tcp`;
  const env = { ...plan.env, PORT: String(plan.containerPort) };
  return {
    name: plan.name,
    Image: plan.image,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: plan.labels,
    Tty: false,
    ...(plan.publish ? { ExposedPorts: { [portKey]: {} } } : {}),
    HostConfig: {
      // docker-init as PID 1: SIGTERM from `docker stop` reaches the app, and zombies are reaped.
      Init: true,
      RestartPolicy: { Name: 'no' },
      // No mounts at all (nothing of the data dir), no extra privileges.
      CapDrop: ['ALL'],
      CapAdd: KEPT_CAPABILITIES,
      SecurityOpt: ['no-new-privileges'],
      LogConfig: LOG_CONFIG,
      ...(plan.publish
        ? {
            PortBindings: {
              [portKey]: [
                {
                  HostIp: plan.publish.hostIp,
                  HostPort: plan.publish.hostPort === null ? '' : String(plan.publish.hostPort),
                },
              ],
            },
          }
        : {}),
      ...(plan.memoryMb !== undefined ? { Memory: plan.memoryMb * 1024 * 1024 } : {}),
      ...(plan.cpus !== undefined ? { NanoCpus: Math.round(plan.cpus * 1e9) } : {}),
    },
  };
}

/** The host port the engine bound for `containerPort` (from `inspect`), or null when it is not published. */
export function publishedPort(
  ports: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | undefined,
  containerPort: number,
): number | null {
  const bindings = ports?.[`${containerPort}/tcp`] ?? [];
  const port = Number(bindings.find((b) => b.HostPort)?.HostPort);
  return Number.isInteger(port) && port > 0 ? port : null;
}
