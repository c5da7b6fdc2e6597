// The JSON Schemas of the NATS API, converted from the protocol's zod schemas: one file per request, reply and message.
import { z } from 'zod';
import {
  DeploymentRecord,
  ErrorEnvelope,
  LogBatch,
  RPC,
  ServiceConfig,
  TransitionReport,
  WebhookBody,
  replyEnvelope,
  type AnyRpc,
} from '../../packages/protocol/index.js';

export type JsonSchema = Record<string, unknown>;

/** A subject as the reference lists it: its spec, and whether a client may use it or only Compartment's own processes. */
export interface SubjectEntry {
  spec: AnyRpc;
  subject: string;
  client: boolean;
  requestFile: string;
  replyFile: string;
}

/**
 * zod writes `additionalProperties: false` for every object; only strict ones refuse unknown fields. A plain
 * object (every reply) strips them, so a client must accept fields added later: the schema says so.
 */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, {
    io,
    unrepresentable: 'throw',
    override: (ctx) => {
      const def = (
        ctx.zodSchema as unknown as { _zod: { def: { type: string; catchall?: { _zod: { def: { type: string } } } } } }
      )._zod.def;
      if (def.type === 'object' && def.catchall?._zod.def.type !== 'never') delete ctx.jsonSchema.additionalProperties;
    },
  }) as JsonSchema;
}

const INTERNAL: Array<[AnyRpc, string]> = [
  [RPC.leaderDeploy, ''],
  [RPC.leaderRollback, ''],
  [RPC.nodeDeliver, 'compartment.node.<nodeId>.deliver'],
  [RPC.nodeStop, 'compartment.node.<nodeId>.stop'],
  [RPC.nodeTransitions, 'compartment.node.<nodeId>.transitions'],
  [RPC.edgeState, ''],
];

export function subjectEntries(): SubjectEntry[] {
  const entry = (spec: AnyRpc, subject: string, client: boolean): SubjectEntry => ({
    spec,
    subject: subject || spec.subject(undefined),
    client,
    requestFile: `${spec.name}.request.schema.json`,
    replyFile: `${spec.name}.reply.schema.json`,
  });
  return [
    ...Object.values(RPC.api).map((spec) => entry(spec as AnyRpc, '', true)),
    // Compartment's own processes only: a client follows transitions through `compartment.api.watch`.
    ...INTERNAL.map(([spec, subject]) => entry(spec, subject, false)),
  ];
}

/** Messages that are not replies, or parts of them: records, log batches, transitions, errors, webhooks. */
export const MESSAGES: Record<string, z.ZodType> = {
  'deployment-record.schema.json': DeploymentRecord,
  'log-batch.schema.json': LogBatch,
  'transition-report.schema.json': TransitionReport,
  'error-envelope.schema.json': ErrorEnvelope,
  'webhook-body.schema.json': WebhookBody,
};

/** A service's block of compartment.yaml, as deploy's `services[].config` takes it. */
export const SERVICE_CONFIG_FILE = 'service-config.schema.json';

/** Every generated JSON file, by name: requests as a client sends them (defaults optional), replies as they arrive. */
export function schemaFiles(): Map<string, JsonSchema> {
  const files = new Map<string, JsonSchema>();
  for (const e of subjectEntries()) {
    files.set(e.requestFile, { title: `${e.spec.name} request`, ...toJsonSchema(e.spec.request, 'input') });
    files.set(e.replyFile, {
      title: `${e.spec.name} reply envelope`,
      ...toJsonSchema(replyEnvelope(e.spec.reply), 'output'),
    });
  }
  for (const [name, schema] of Object.entries(MESSAGES))
    files.set(name, { title: name.replace('.schema.json', ''), ...toJsonSchema(schema, 'output') });
  files.set(SERVICE_CONFIG_FILE, { title: 'service config', ...toJsonSchema(ServiceConfig, 'input') });
  return files;
}

/** The result part of a reply envelope (its first branch), for the field table. */
export const resultOf = (envelope: JsonSchema): JsonSchema =>
  ((envelope.anyOf as JsonSchema[])[0]!.properties as Record<string, JsonSchema>).result ?? {};

/** A schema's shape without the root-only keys, to recognise it where it is inlined. */
export const shapeKey = (s: JsonSchema): string => JSON.stringify({ ...s, $schema: undefined, title: undefined });
