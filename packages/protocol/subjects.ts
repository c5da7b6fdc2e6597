// Every NATS subject, KV bucket, stream and object store name Compartment uses, built in one place.
import type { LogStream } from './log.schema.js';

export const API_VERBS = [
  'deploy',
  'status',
  'inspect',
  'rollback',
  'scale',
  'env.set',
  'env.unset',
  'env.list',
  'env.rotate-key',
  'nodes',
  'chart',
  'logs',
  'domains',
  'watch',
  'feed',
  'source.check',
] as const;
export type ApiVerb = (typeof API_VERBS)[number];

export const API_SERVICE_NAME = 'compartment';
/** Node agents answer the API in this queue group, so any one of them serves a request. */
export const API_QUEUE_GROUP = 'compartment-api';

export const BUCKETS = {
  deployments: 'compartment_deployments',
  routes: 'compartment_routes',
  /** Heartbeats of node agents and edges: a TTL bucket, so a silent member's key disappears. */
  nodes: 'compartment_nodes',
  /** The leader lease: a TTL bucket holding one key that the leader keeps renewing. */
  leader: 'compartment_leader',
  /** Every node ever seen, with its last state (alive, lost): survives the heartbeat's expiry. */
  members: 'compartment_members',
  variables: 'compartment_variables',
} as const;
export const OBJECT_STORES = { sources: 'compartment_sources' } as const;
export const STREAMS = { logs: 'COMPARTMENT_LOGS' } as const;

export const subjects = {
  api: (verb: ApiVerb) => `compartment.api.${verb}`,
  apiWildcard: 'compartment.api.>',
  /** Log batches: filter with `logFilter`. */
  logs: (env: string, service: string, deploymentId: string, stream: LogStream) =>
    `compartment.logs.${env}.${service}.${deploymentId}.${stream}`,
  logsAll: 'compartment.logs.>',
  logFilter: (f: { env?: string; service?: string; deploymentId?: string; stream?: LogStream }) =>
    `compartment.logs.${f.env ?? '*'}.${f.service ?? '*'}.${f.deploymentId ?? '*'}.${f.stream ?? '*'}`,
  /** Statechart transitions of one deployment, for `inspect --watch` and the dashboard. */
  inspect: (deploymentId: string) => `compartment.inspect.${deploymentId}`,
  inspectAll: 'compartment.inspect.*',
  /** An edge announces each route revision it has applied. */
  edgeApplied: (edgeId: string) => `compartment.edge.${edgeId}.applied`,
  /** Request to every edge: reply with its applied route revisions and in-flight upstreams. */
  edgeState: 'compartment.edge.state',
  /** Commands addressed to one node agent (stop a workload it hosts, deliver an event to an actor it hosts). */
  node: (nodeId: string, verb: string) => `compartment.node.${nodeId}.${verb}`,
  /** Requests only the current leader answers (placing deployments): no responders means an election is under way. */
  leader: (verb: string) => `compartment.leader.${verb}`,
} as const;

export const keys = {
  deployment: (env: string, service: string, id: string) => `${env}.${service}.${id}`,
  deploymentsOf: (env = '*', service = '*') => `${env}.${service}.*`,
  deploymentById: (id: string) => `*.*.${id}`,
  route: (env: string, service: string) => `route.${env}.${service}`,
  routes: 'route.>',
  routePort: (port: number) => `port.${port}`,
  variable: (env: string, name: string) => `${env}.${name}`,
  nodeBeat: (nodeId: string) => `node.${nodeId}`,
  edgeBeat: (edgeId: string) => `edge.${edgeId}`,
  leaderLease: 'lease',
  variablesOf: (env: string) => `${env}.*`,
} as const;

export function parseDeploymentKey(key: string): { env: string; service: string; id: string } | null {
  const parts = key.split('.');
  if (parts.length !== 3) return null;
  const [env, service, id] = parts as [string, string, string];
  return { env, service, id };
}
