// Every request/reply subject Compartment serves, declared once: subject, schemas, and how it is answered.
import { z } from 'zod';
import { API, CHUNKED_REPLIES, DeployRequest, IdempotencyKey, READ_ONLY_VERBS, RollbackRequest } from './api.schema.js';
import { DeploymentRecord } from './deployment.schema.js';
import { EdgeState } from './edge.schema.js';
import { ERROR_CODES, type ErrorCode } from './errors.js';
import { MachineEvent, WorkloadRefSchema } from './machine-event.schema.js';
import { DeploymentId } from './names.js';
import { API_VERBS, subjects, type ApiVerb } from './subjects.js';
import { TransitionHistory } from './transition.schema.js';
import { MAX_INSTANCES } from './limits.js';

export interface RpcSpec<P, Req extends z.ZodType, Rep extends z.ZodType> {
  /** Its name in logs and in the `$SRV` listing. */
  readonly name: string;
  subject(params: P): string;
  readonly request: Req;
  readonly reply: Rep;
  /** Changes nothing: a caller may ask again when an answer does not come. */
  readonly readOnly: boolean;
  /** The reply's array field that may be split over several messages (`more: true` on all but the last). */
  readonly chunked?: string;
  /** Every responder answers (scatter-gather) instead of one. */
  readonly fanOut?: boolean;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRpc = RpcSpec<any, z.ZodType, z.ZodType>;
export type RpcParams<S> = S extends RpcSpec<infer P, z.ZodType, z.ZodType> ? P : never;
export type RpcRequest<S extends AnyRpc> = z.input<S['request']>;
export type RpcRequestParsed<S extends AnyRpc> = z.output<S['request']>;
export type RpcReply<S extends AnyRpc> = z.output<S['reply']>;

type ApiRpc<V extends ApiVerb> = RpcSpec<void, (typeof API)[V]['request'], (typeof API)[V]['reply']>;

function apiRpc<V extends ApiVerb>(verb: V): ApiRpc<V> {
  const chunked = (CHUNKED_REPLIES as Partial<Record<ApiVerb, string>>)[verb];
  return {
    name: `api.${verb}`,
    subject: () => subjects.api(verb),
    request: API[verb].request,
    reply: API[verb].reply,
    readOnly: READ_ONLY_VERBS.has(verb),
    ...(chunked ? { chunked } : {}),
  };
}

const ById = z.strictObject({ id: DeploymentId });
type NodeParams = { nodeId: string };

export const RPC = {
  /** The public API: any node agent answers (queue group), listed under `$SRV`. */
  api: Object.fromEntries(API_VERBS.map((v) => [v, apiRpc(v)])) as { [V in ApiVerb]: ApiRpc<V> },
  /** Only the leader answers; no responders means an election is under way. The key makes a retry safe. */
  leaderDeploy: {
    name: 'leader.deploy',
    subject: () => subjects.leader('deploy'),
    request: DeployRequest.extend({ idempotencyKey: IdempotencyKey }),
    reply: API.deploy.reply,
    readOnly: false,
  },
  leaderRollback: {
    name: 'leader.rollback',
    subject: () => subjects.leader('rollback'),
    request: RollbackRequest.extend({
      idempotencyKey: IdempotencyKey,
      /** An automatic revert of `from` (trigger auto_revert): refused unless `from` is still the active deployment. */
      revert: z.strictObject({ from: DeploymentId }).optional(),
    }),
    reply: API.rollback.reply,
    readOnly: false,
  },
  /** To the node that hosts a deployment's actor. */
  nodeDeliver: {
    name: 'node.deliver',
    subject: (p: NodeParams) => subjects.node(p.nodeId, 'deliver'),
    request: z.strictObject({ id: DeploymentId, event: MachineEvent }),
    reply: DeploymentRecord,
    readOnly: false,
  },
  nodeStop: {
    name: 'node.stop',
    subject: (p: NodeParams) => subjects.node(p.nodeId, 'stop'),
    request: ById,
    reply: z.strictObject({}),
    readOnly: false,
  },
  /**
   * To a node that runs an instance (`slot`) of a deployment: build and start it (or adopt it, keeping `port`), stop
   * it, or say whether it runs. The node reads the spec from the deployment's stored context. The owner's own node
   * gets it too for the extra instances it holds when there are fewer nodes than instances.
   */
  nodeInstance: {
    name: 'node.instance',
    subject: (p: NodeParams) => subjects.node(p.nodeId, 'instance'),
    request: z.strictObject({
      id: DeploymentId,
      op: z.enum(['start', 'stop', 'status']),
      port: z.number().int().min(1).max(65535).nullable().optional(),
      /** Which instance on that node (from 1; the owner's own is 0); absent: 0, and `stop` stops them all. */
      slot: z.number().int().min(0).max(MAX_INSTANCES).optional(),
    }),
    reply: z.strictObject({ workload: WorkloadRefSchema.nullable(), running: z.boolean() }),
    readOnly: false,
  },
  /** A node's journal of one deployment's transitions, for a watcher that came late. */
  nodeTransitions: {
    name: 'node.transitions',
    subject: (p: NodeParams) => subjects.node(p.nodeId, 'transitions'),
    request: ById,
    reply: TransitionHistory,
    readOnly: true,
    chunked: 'transitions',
  },
  /** Every edge answers with the route revisions it applied and what still has requests in flight. */
  /** `certificates`: also read each held domain's certificate from storage (only `domains` asks; switches poll often). */
  edgeState: {
    name: 'edge.state',
    subject: () => subjects.edgeState,
    request: z.strictObject({ certificates: z.boolean().optional() }),
    reply: EdgeState,
    readOnly: true,
    fanOut: true,
  },
} as const;

const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);
export const ErrorEnvelope = z.object({
  ok: z.literal(false),
  error: z.object({ code: ErrorCodeSchema, message: z.string(), field: z.string().optional() }),
});
/** Every reply is `{ok: true, result, more?}` or `{ok: false, error: {code, message, field?}}`. */
export const replyEnvelope = <R extends z.ZodType>(result: R) =>
  z.union([z.object({ ok: z.literal(true), result, more: z.boolean().optional() }), ErrorEnvelope]);

/** Largest message a server sends: under nats-server's default 1 MB max_payload (the connection's own is used when smaller). */
export const MAX_REPLY_BYTES = 512 * 1024;
