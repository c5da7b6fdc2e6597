// Schema of compartment.yaml: environments with variables, services with how to build, start, probe and drain them.
import { z } from 'zod';
import { Name, VariableName } from './names.js';
import { NotifyTargets } from './notify.schema.js';
import { parseWith } from './parse.js';
import { MAX_INSTANCES, MAX_VARIABLE_VALUE_BYTES, utf8Bytes } from './limits.js';
import { ServiceDomains } from './domain.schema.js';

/** YAML turns `PORT: 3000` into a number; variables are strings in a process environment. */
export const VariableText = z.string().refine((v) => utf8Bytes(v) <= MAX_VARIABLE_VALUE_BYTES, {
  message: `too large: at most ${MAX_VARIABLE_VALUE_BYTES} bytes (64 KiB)`,
});
const VariableValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => String(v))
  .pipe(VariableText);
export const Variables = z.record(VariableName, VariableValue);

const Millis = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * An origin-form URL path Node's HTTP client accepts as is: "/", then no spaces, control characters or
 * `#` (`/health check` used to pass here and fail in every probe attempt).
 */
export const URL_PATH = /^\/[\x21-\x22\x24-\x7e]*$/;
const ReadinessPath = z
  .string()
  .regex(URL_PATH, 'must be a URL path: starting with "/", without spaces, control characters or "#"');

export const Readiness = z
  .strictObject({
    /** HTTP GET of this path on the workload's port; any 2xx is ready. */
    path: ReadinessPath.optional(),
    /** A TCP connect to the workload's port succeeds. */
    tcp: z.literal(true).optional(),
    /** A shell command, run in the release directory with the workload's environment, exits 0. */
    command: z.string().min(1).optional(),
    intervalMs: Millis(10, 60_000).default(250),
    timeoutMs: Millis(100, 3_600_000).default(30_000),
    /** Longest a single attempt may take before it counts as failed. */
    attemptTimeoutMs: Millis(10, 60_000).default(2_000),
  })
  .refine((r) => [r.path, r.tcp, r.command].filter((x) => x !== undefined).length === 1, {
    message: 'needs exactly one of path, tcp or command',
  });

/**
 * Health after the switch: probed on every serving instance for as long as the deployment is active. A kind left out
 * is the readiness check's; `failureThreshold` failures in a row make an instance unhealthy (and restarted),
 * `successThreshold` passes in a row healthy again.
 */
export const HealthCheck = z
  .strictObject({
    path: ReadinessPath.optional(),
    tcp: z.literal(true).optional(),
    command: z.string().min(1).optional(),
    intervalMs: Millis(100, 3_600_000).default(5_000),
    /** Longest a single probe may take before it counts as failed. */
    timeoutMs: Millis(10, 60_000).default(2_000),
    failureThreshold: z.number().int().min(1).max(100).default(3),
    successThreshold: z.number().int().min(1).max(100).default(1),
  })
  .refine((h) => [h.path, h.tcp, h.command].filter((x) => x !== undefined).length <= 1, {
    message: 'at most one of path, tcp or command (none: the readiness check)',
  });

/**
 * Rolls back on its own when the newly active deployment turns unhealthy or crash-loops within `windowMs` of its switch.
 * `keepPrevious`: the previous deployment's workload keeps running without traffic for the window, so a revert (or a
 * rollback) within it only switches the route back.
 */
export const AutoRevert = z.strictObject({
  windowMs: Millis(1_000, 24 * 3_600_000),
  keepPrevious: z.boolean().optional(),
});

export const Drain = z.strictObject({ timeoutMs: Millis(0, 3_600_000).default(30_000) });
export const Stop = z.strictObject({ graceMs: Millis(0, 600_000).default(10_000) });
export const Resources = z.strictObject({
  memoryMb: z.number().int().min(4).optional(),
  cpus: z.number().positive().max(256).optional(),
});

const InstanceCount = z.number().int().min(1).max(MAX_INSTANCES);
/** `instances: 3`, or per environment (`{production: 3, staging: 1}`; an environment not named gets 1). */
export const Instances = z.union([InstanceCount, z.record(Name, InstanceCount)]);

export const ServiceType = z.enum(['web', 'api', 'worker']);
export const Runtime = z.enum(['process', 'docker']);

export const ServiceConfig = z
  .strictObject({
    type: ServiceType.default('web'),
    runtime: Runtime.default('process'),
    path: z.string().min(1).default('.'),
    build: z.string().min(1).optional(),
    /** A build (process or Docker) still running after this long is killed and the deployment fails (default DEFAULT_BUILD_TIMEOUT_MS). */
    buildTimeoutMs: Millis(1_000, 24 * 3_600_000).optional(),
    start: z.string().min(1).optional(),
    /** Run once per deployment after the build, before any candidate starts (migrations); a non-zero exit fails it. */
    release: z.string().min(1).max(4_096).optional(),
    /** The release command is killed after this long (default DEFAULT_RELEASE_TIMEOUT_MS). */
    releaseTimeoutMs: Millis(1_000, 24 * 3_600_000).optional(),
    dockerfile: z.string().min(1).default('Dockerfile'),
    port: z.number().int().min(1).max(65535).optional(),
    readiness: Readiness.optional(),
    health: HealthCheck.optional(),
    autoRevert: AutoRevert.optional(),
    drain: Drain.default({ timeoutMs: 30_000 }),
    stop: Stop.default({ graceMs: 10_000 }),
    resources: Resources.optional(),
    /** Copies of the service, each on its own node where there are enough, switched as one set (default 1). */
    instances: Instances.optional(),
    variables: Variables.default({}),
    /** Host names per environment, served over HTTPS by every edge (web and api services only). */
    domains: ServiceDomains.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.runtime === 'process' && s.start === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['start'],
        message: 'required for runtime process (the command that starts the app)',
      });
    }
    if (s.type === 'worker' && s.domains && Object.values(s.domains).some((l) => l.length > 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['domains'],
        message: 'a worker has no route: only web and api services get domains',
      });
    }
  });

export const EnvironmentConfig = z.strictObject({ variables: Variables.default({}) });

export const ProjectConfig = z
  .strictObject({
    environments: z.record(Name, EnvironmentConfig).default({}),
    services: z.record(Name, ServiceConfig).refine((s) => Object.keys(s).length > 0, 'needs at least one service'),
    /** Webhooks told about each deployment made from this file, in every environment. */
    notify: NotifyTargets,
  })
  .superRefine((p, ctx) => {
    // A domain belongs to one route: the same name twice in one file is refused before anything is uploaded.
    const holder = new Map<string, string>();
    for (const [service, config] of Object.entries(p.services)) {
      for (const [env, list] of Object.entries(config.domains ?? {})) {
        list.forEach((d, i) => {
          const other = holder.get(d);
          if (other)
            ctx.addIssue({
              code: 'custom',
              path: ['services', service, 'domains', env, i],
              message: `${d} is already listed for ${other}: a domain belongs to one route`,
            });
          else holder.set(d, `${env}/${service}`);
        });
      }
    }
  });

export type ServiceConfig = z.output<typeof ServiceConfig>;
export type ServiceConfigInput = z.input<typeof ServiceConfig>;
export type ReadinessConfig = z.output<typeof Readiness>;
export type HealthCheckConfig = z.output<typeof HealthCheck>;
export type EnvironmentConfig = z.output<typeof EnvironmentConfig>;
export type ProjectConfig = z.output<typeof ProjectConfig>;
export type ServiceType = z.output<typeof ServiceType>;
export type Runtime = z.output<typeof Runtime>;

/** The domains a service is served under in `env` (none when it lists none there). */
export function domainsOf(config: Pick<ServiceConfig, 'domains'>, env: string): string[] {
  return config.domains?.[env] ?? [];
}

/** Web and api services get a route; workers do not. */
export function isRoutable(type: ServiceType): boolean {
  return type !== 'worker';
}

/** How many instances `service` runs in `environment`. */
export function instancesFor(service: Pick<ServiceConfig, 'instances'>, environment: string): number {
  const n = service.instances;
  if (n === undefined) return 1;
  return typeof n === 'number' ? n : (n[environment] ?? 1);
}

/** Docker services listen on `port`; this is the one they get when they name none. */
export const DEFAULT_CONTAINER_PORT = 8080;

/** Validates an already-decoded compartment.yaml; throws CONFIG_INVALID naming the field path. */
export function parseProjectConfig(value: unknown): ProjectConfig {
  return parseWith(ProjectConfig, value ?? {}, 'CONFIG_INVALID');
}
