// The Docker service the tests deploy: an image FROM scratch with the static busybox, serving a directory with busybox httpd.
import { copyFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../harness/project.js';

export const BUSYBOX = '/bin/busybox';

export const DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY start.sh /start.sh
COPY www /www
CMD ["/bin/sh", "/start.sh"]
`;

/**
 * Variables steer it: CRASH_AFTER_S (exit 3 instead of serving), READY_AFTER_S (/ready appears late),
 * UNHEALTHY_AFTER_S (/ready disappears then), TICK (a numbered line every 50 ms).
 */
export const START_SH = `echo "starting version $(cat /www/version.txt) on port $PORT"
if [ -n "$CRASH_AFTER_S" ]; then sleep "$CRASH_AFTER_S"; echo "fatal: exiting on purpose" >&2; exit 3; fi
if [ -n "$READY_AFTER_S" ]; then (sleep "$READY_AFTER_S"; echo ready > /www/ready) & else echo ready > /www/ready; fi
if [ -n "$UNHEALTHY_AFTER_S" ]; then (sleep "$UNHEALTHY_AFTER_S"; rm -f /www/ready) & fi
if [ -n "$TICK" ]; then (i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.05; done) & fi
echo "to stderr: serving" >&2
exec httpd -f -p "$PORT" -h /www
`;

export interface DockerAppOptions {
  version: string;
  service?: string;
  variables?: Record<string, string>;
  readiness?: string;
  /** Extra lines for the service block of compartment.yaml (indented by four). */
  extra?: string[];
}

export function dockerService(o: DockerAppOptions): string[] {
  const vars = Object.entries(o.variables ?? {}).map(([k, v]) => `      ${k}: "${v}"`);
  return [
    `  ${o.service ?? 'web'}:`,
    '    runtime: docker',
    `    path: ./${o.service ?? 'web'}`,
    `    readiness: ${o.readiness ?? '{ path: /ready, intervalMs: 50, timeoutMs: 15000 }'}`,
    '    drain: { timeoutMs: 15000 }',
    '    stop: { graceMs: 5000 }',
    ...(o.extra ?? []),
    ...(vars.length > 0 ? ['    variables:', ...vars] : []),
  ];
}

/** Source files of the service (the busybox binary is copied in by `withBusybox`). */
export function dockerSources(o: { version: string; service?: string; dockerfile?: string }): Record<string, string> {
  const dir = o.service ?? 'web';
  return {
    [`${dir}/Dockerfile`]: o.dockerfile ?? DOCKERFILE,
    [`${dir}/start.sh`]: START_SH,
    [`${dir}/www/version.txt`]: `${o.version}\n`,
    [`${dir}/www/index.html`]: `version=${o.version}\n`,
  };
}

export function dockerProject(o: DockerAppOptions): Record<string, string> {
  return { 'compartment.yaml': ['services:', ...dockerService(o), ''].join('\n'), ...dockerSources(o) };
}

/** The static busybox goes into the build context: no registry is reachable, so the image starts FROM scratch. */
export function withBusybox(project: Project, dir = 'web'): void {
  const target = join(project.dir, dir, 'busybox');
  copyFileSync(BUSYBOX, target);
  chmodSync(target, 0o755);
}
