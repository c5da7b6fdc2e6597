// Requests and replies of the NATS request/reply API; both sides validate with these.
import { z } from 'zod';
import { Name, DeploymentId, VariableName } from './names.js';
import { ServiceConfig, Variables, VariableText } from './config.schema.js';
import { MAX_INSTANCES, MAX_LOGS_TAIL, MAX_SERVICES_PER_DEPLOY } from './limits.js';
import { DeploymentRecord, StatusRow } from './deployment.schema.js';
import { GitSource, Requester } from './audit.schema.js';
import { NotifyTargets } from './notify.schema.js';
import { LogLine, LogStream } from './log.schema.js';
import { EdgeBeat, NodeBeat } from './member.schema.js';
import type { ApiVerb } from './subjects.js';
import { SourceCheckReply, SourceCheckRequest, WatchReply, WatchRequest } from './watch.schema.js';
import { FeedReply, FeedRequest } from './feed.schema.js';

const Env = Name.default('production');

/** Chosen by the caller once per command: a retried request with the same key returns the first one's result. */
export const IdempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not an idempotency key (8-64 of A-Z a-z 0-9 _ -)');

export const DeployRequest = z.strictObject({
  environment: Env,
  idempotencyKey: IdempotencyKey.optional(),
  services: z
    .array(
      z.strictObject({
        name: Name,
        config: ServiceConfig,
        sourceDigest: z.string().regex(/^sha256-[0-9a-f]{64}$/),
        /** The git commit of the service's directory, when it is in a work tree: recorded, not deployed from. */
        git: GitSource.optional(),
      }),
    )
    .min(1)
    .max(MAX_SERVICES_PER_DEPLOY, `too many services in one deploy: at most ${MAX_SERVICES_PER_DEPLOY}`),
  /** Variables of this environment from compartment.yaml; cluster-stored ones are merged on the server. */
  environmentVariables: Variables.default({}),
  force: z.boolean().default(false),
  /** Who asks: recorded in each created deployment (`audit.requestedBy`). */
  requestedBy: Requester.optional(),
  /** compartment.yaml's `notify:`: kept in each created deployment's spec, told about what happens to it. */
  notify: NotifyTargets,
});
export const DeployReply = z.object({
  deployments: z.array(DeploymentRecord),
  unchanged: z.array(z.object({ serviceName: Name, deploymentId: DeploymentId })),
});

export const StatusRequest = z.strictObject({
  environment: Name.optional(),
  service: Name.optional(),
  /** History too, not only each service's current and in-flight deployments. */
  all: z.boolean().default(false),
  /**
   * Only the table's fields, in `rows` (and `deployments` empty): what plain `compartment status` prints. Full
   * records are 20 times larger; moving and parsing them was most of the cost of answering.
   */
  rows: z.boolean().optional(),
});
export const StatusReply = z.object({ deployments: z.array(DeploymentRecord), rows: z.array(StatusRow).optional() });

export const InspectRequest = z.strictObject({ id: DeploymentId });
export const InspectReply = z.object({ deployment: DeploymentRecord });

export const RollbackRequest = z.strictObject({
  environment: Env,
  service: Name,
  idempotencyKey: IdempotencyKey.optional(),
});
export const RollbackReply = z.object({ deployment: DeploymentRecord, from: DeploymentId.nullable() });

/** `scale --service S N`: the active deployment runs N instances from now on, without a build or a new deployment. */
export const ScaleRequest = z.strictObject({
  environment: Env,
  service: Name,
  instances: z.number().int().min(1).max(MAX_INSTANCES, `at most ${MAX_INSTANCES} instances`),
});
export const ScaleReply = z.object({ deployment: DeploymentRecord, from: z.number().int() });

export const EnvSetRequest = z.strictObject({
  environment: Env,
  name: VariableName,
  value: VariableText,
  secret: z.boolean().default(false),
});
export const EnvUnsetRequest = z.strictObject({ environment: Env, name: VariableName });
export const EnvListRequest = z.strictObject({ environment: Env });
export const EnvVariable = z.object({ name: VariableName, value: z.string().nullable(), secret: z.boolean() });
export const EnvListReply = z.object({ environment: Name, variables: z.array(EnvVariable) });
export const EnvChangeReply = z.object({ environment: Name, name: VariableName, changed: z.boolean() });
export const EnvRotateKeyRequest = z.strictObject({});
/** `keyFile`: where the serving node wrote the new key; nodes that do not read that same file need a copy. */
export const EnvRotateKeyReply = z.object({
  keyId: z.string(),
  previousKeyIds: z.array(z.string()),
  resealed: z.number().int(),
  keyFile: z.string(),
  nodeId: z.string(),
});

export const ChartRequest = z.strictObject({
  id: DeploymentId.optional(),
  format: z.enum(['mermaid', 'dot']).default('mermaid'),
});
export const ChartReply = z.object({ format: z.enum(['mermaid', 'dot']), chart: z.string() });

export const LogsRequest = z.strictObject({
  environment: Env,
  service: Name.optional(),
  deploymentId: DeploymentId.optional(),
  stream: LogStream.optional(),
  /** How many of the most recent lines. */
  tail: z.number().int().min(0).max(MAX_LOGS_TAIL, `at most ${MAX_LOGS_TAIL} lines`).default(100),
  /** Only lines at or after this time. */
  since: z.iso.datetime().optional(),
});
/** `nextSequence` is the log stream sequence to follow from: every later line is newer than `lines`. */
export const LogsReply = z.object({ lines: z.array(LogLine), nextSequence: z.number().int() });

export const NodesRequest = z.strictObject({});
/** A node as `nodes` reports it: its own heartbeat, plus what the cluster knows of it. */
export const NodeInfo = NodeBeat.extend({
  leader: z.boolean(),
  state: z.enum(['alive', 'lost']),
  seenAt: z.iso.datetime(),
});
/** An edge as `nodes` reports it: where its route ports listen, and whether its heartbeat is current. */
export const EdgeInfo = EdgeBeat.extend({ state: z.enum(['alive', 'lost']), seenAt: z.iso.datetime() });
export const NodesReply = z.object({ nodes: z.array(NodeInfo), edges: z.array(EdgeInfo).default([]) });
export type EdgeInfo = z.output<typeof EdgeInfo>;
export type NodeInfo = z.output<typeof NodeInfo>;

export const DomainsRequest = z.strictObject({ environment: Name.optional(), service: Name.optional() });
/** One edge's certificate for a domain: `pending` until the first HTTPS visit issues it. */
export const DomainCertificate = z.object({
  edgeId: z.string(),
  state: z.enum(['issued', 'pending']),
  issuer: z.string().optional(),
  notAfter: z.string().optional(),
});
/** A held domain, its route and each live edge's certificate for it. */
export const DomainInfo = z.object({
  domain: z.string(),
  environmentName: Name,
  serviceName: Name,
  url: z.string().nullable(),
  certificates: z.array(DomainCertificate),
});
export const DomainsReply = z.object({ domains: z.array(DomainInfo) });
export type DomainInfo = z.output<typeof DomainInfo>;

/** Request and reply schema of every verb. */
export const API = {
  deploy: { request: DeployRequest, reply: DeployReply },
  status: { request: StatusRequest, reply: StatusReply },
  inspect: { request: InspectRequest, reply: InspectReply },
  rollback: { request: RollbackRequest, reply: RollbackReply },
  scale: { request: ScaleRequest, reply: ScaleReply },
  'env.set': { request: EnvSetRequest, reply: EnvChangeReply },
  'env.unset': { request: EnvUnsetRequest, reply: EnvChangeReply },
  'env.list': { request: EnvListRequest, reply: EnvListReply },
  'env.rotate-key': { request: EnvRotateKeyRequest, reply: EnvRotateKeyReply },
  nodes: { request: NodesRequest, reply: NodesReply },
  logs: { request: LogsRequest, reply: LogsReply },
  chart: { request: ChartRequest, reply: ChartReply },
  domains: { request: DomainsRequest, reply: DomainsReply },
  watch: { request: WatchRequest, reply: WatchReply },
  feed: { request: FeedRequest, reply: FeedReply },
  'source.check': { request: SourceCheckRequest, reply: SourceCheckReply },
} as const satisfies Record<ApiVerb, { request: z.ZodType; reply: z.ZodType }>;

export type ApiRequest<V extends ApiVerb> = z.input<(typeof API)[V]['request']>;
export type ApiRequestParsed<V extends ApiVerb> = z.output<(typeof API)[V]['request']>;
export type ApiReply<V extends ApiVerb> = z.output<(typeof API)[V]['reply']>;

/** Verbs that change nothing: a client may ask again when an answer does not come (a frozen node held the request). */
export const READ_ONLY_VERBS: ReadonlySet<ApiVerb> = new Set([
  'status',
  'inspect',
  'logs',
  'nodes',
  'env.list',
  'chart',
  'domains',
  'watch',
  'feed',
  'source.check',
]);
/**
 * Replies of these verbs may exceed one NATS message: the server then sends several envelopes on the reply subject,
 * each with part of the named array and `more: true` on all but the last.
 */
export const CHUNKED_REPLIES = {
  logs: 'lines',
  status: 'deployments',
  deploy: 'deployments',
  'env.list': 'variables',
  nodes: 'nodes',
  domains: 'domains',
  watch: 'records',
} as const satisfies Partial<Record<ApiVerb, string>>;
