// docs/api.md: how a NATS client talks to Compartment, then every subject with its fields, generated from the schemas.
import {
  API_SERVICE_NAME,
  CHUNKED_REPLIES,
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_MAX_UNPACKED_BYTES,
  ERROR_CODES,
  MAX_REPLY_BYTES,
  MAX_WATCH_WAIT_MS,
  MAX_FEED_RECORDS,
  OBJECT_STORES,
  STREAMS,
  inboxPrefixOf,
  subjects,
} from '../../packages/protocol/index.js';
import {
  SERVICE_CONFIG_FILE,
  resultOf,
  shapeKey,
  subjectEntries,
  type JsonSchema,
  type SubjectEntry,
} from './api-schemas.js';
import { fieldTable, type Named } from './schema-table.js';
import { GUIDE } from './api-guide.js';

const SCHEMA_DIR = 'api';
const link = (file: string) => `[${file}](${SCHEMA_DIR}/${file})`;
const mib = (bytes: number) => `${bytes / 1024 / 1024} MiB`;

function subjectRow(e: SubjectEntry): string {
  const flags = [
    e.spec.readOnly ? 'read-only' : 'changes state',
    e.spec.chunked ? `chunked (\`${e.spec.chunked}\`)` : '',
    e.spec.fanOut ? 'every responder answers' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `| \`${e.subject}\` | ${flags} | ${link(e.requestFile)} | ${link(e.replyFile)} |`;
}

function subjectSection(e: SubjectEntry, files: Map<string, JsonSchema>, named: Named): string {
  return [
    `### \`${e.subject}\``,
    '',
    `${e.spec.readOnly ? 'Read-only: safe to ask again when no answer comes.' : 'Changes state: retry only with the same `idempotencyKey` (where the request has one).'}${e.spec.chunked ? ` The reply's \`${e.spec.chunked}\` may arrive in several messages (see [Chunked replies](#chunked-replies)).` : ''}`,
    '',
    `Request (${link(e.requestFile)}):`,
    '',
    fieldTable(files.get(e.requestFile)!, named),
    `Result (${link(e.replyFile)}):`,
    '',
    fieldTable(resultOf(files.get(e.replyFile)!), named),
  ].join('\n');
}

export function apiMarkdown(files: Map<string, JsonSchema>): string {
  const entries = subjectEntries();
  const client = entries.filter((e) => e.spec.name.startsWith('api.'));
  const internal = entries.filter((e) => !e.spec.name.startsWith('api.'));
  const record = files.get('deployment-record.schema.json')!;
  const config = files.get(SERVICE_CONFIG_FILE)!;
  const named: Named = new Map([
    [shapeKey(record), '[Deployment record](#the-deployment-record)'],
    [shapeKey(config), '[service config](#service-config)'],
  ]);
  const values = {
    cliInbox: inboxPrefixOf('cli'),
    service: API_SERVICE_NAME,
    sources: OBJECT_STORES.sources,
    logs: STREAMS.logs,
    logSubject: subjects.logs('<env>', '<service>', '<deploymentId>', 'stdout').replace('stdout', '<stream>'),
    maxWatchWait: MAX_WATCH_WAIT_MS,
    maxFeedRecords: MAX_FEED_RECORDS,
    maxReply: `${MAX_REPLY_BYTES / 1024} KiB`,
    maxSource: mib(DEFAULT_MAX_SOURCE_BYTES),
    maxUnpacked: mib(DEFAULT_MAX_UNPACKED_BYTES),
    chunked: Object.entries(CHUNKED_REPLIES)
      .map(([verb, field]) => `\`${verb}\` (\`${field}\`)`)
      .join(', '),
  };
  return [
    '<!-- Generated from packages/protocol by `npm run api-docs` (scripts/api-reference); do not edit by hand. -->',
    GUIDE(values),
    '## Subjects a client uses',
    '',
    '| subject | kind | request | reply |',
    '|---|---|---|---|',
    ...client.map(subjectRow),
    '',
    ...client.map((e) => subjectSection(e, files, named)),
    '## The Deployment record',
    '',
    `What status, inspect, deploy, rollback and watch return: ${link('deployment-record.schema.json')}. The first ten fields are the spec's.`,
    '',
    fieldTable(record, new Map(), 1),
    '## Service config',
    '',
    `A service's block of \`compartment.yaml\`, as \`deploy\` takes it in \`services[].config\` (${link(SERVICE_CONFIG_FILE)}). Readiness needs exactly one of \`path\`, \`tcp\` or \`command\`; a process service needs \`start\`.`,
    '',
    fieldTable(config, new Map(), 1),
    '## Published messages (subscribe, do not request)',
    '',
    '| subject | what | schema |',
    '|---|---|---|',
    `| \`${values.logSubject}\` | log lines, batched per deployment and stream, stored in the JetStream stream \`${values.logs}\`; order lines by their \`time\` (microseconds, increasing per agent), not by stream sequence | ${link('log-batch.schema.json')} |`,
    '',
    '## Webhooks (`notify:` in compartment.yaml)',
    '',
    `Each target gets a POST whose JSON body is ${link('webhook-body.schema.json')}, with the headers \`X-Compartment-Event\`, \`X-Compartment-Delivery\` (the same on every retry of one delivery: drop repeats), \`X-Compartment-Timestamp\` (Unix seconds) and \`X-Compartment-Signature: sha256=<hex>\`, the HMAC-SHA256 of \`<timestamp>.<body>\` keyed with the environment secret the target names. Verify the signature and reject old timestamps; answer 2xx within 5 s, or the delivery is retried (5 attempts in all).`,
    '',
    '## Error codes',
    '',
    'Every error reply carries one of these `code`s ([error-envelope.schema.json](api/error-envelope.schema.json)); branch on the code, not the message. The exit code is what the CLI exits with.',
    '',
    '| code | CLI exit code | meaning |',
    '|---|---|---|',
    ...Object.entries(ERROR_CODES).map(([code, e]) => `| \`${code}\` | ${e.exitCode} | ${e.summary} |`),
    '',
    "## Subjects between Compartment's own processes",
    '',
    'Declared in the same registry and served the same way; the `cli` role may publish only `compartment.node.*.transitions` of these (the journal `inspect --watch` reads when it came late). Listed so nothing on the wire is undocumented.',
    '',
    '| subject | kind | request | reply |',
    '|---|---|---|---|',
    ...internal.map(subjectRow),
    '',
  ].join('\n');
}
