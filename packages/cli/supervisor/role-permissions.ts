// What each NATS user of a local cluster may publish and subscribe: the least each role needs, nothing for anonymous.
import { BUCKETS, OBJECT_STORES, STREAMS, inboxPrefixOf } from '../../protocol/index.js';

export const ROLES = ['node', 'edge', 'cli', 'dashboard', 'dashboard-actions'] as const;
export type Role = (typeof ROLES)[number];

export interface SubjectRules {
  allow: string[];
  deny?: string[];
}

export interface RolePermissions {
  publish: SubjectRules;
  subscribe: SubjectRules;
  /** Publish to the reply subject of a request it received (once, within two minutes): what a responder needs. */
  allowResponses?: boolean;
}

const kvStream = (bucket: string) => `KV_${bucket}`;
const OBJ_STREAM = `OBJ_${OBJECT_STORES.sources}`;
const ALL_STREAMS = [...Object.values(BUCKETS).map(kvStream), OBJ_STREAM, STREAMS.logs];
const inbox = (role: Role) => `${inboxPrefixOf(role)}.>`;

/** Reading a stream: info, message gets, ephemeral and ordered consumers (push with flow control, or pull). */
function jsRead(stream: string): string[] {
  return [
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    `$JS.API.CONSUMER.CREATE.${stream}`,
    `$JS.API.CONSUMER.CREATE.${stream}.>`,
    `$JS.API.CONSUMER.INFO.${stream}.*`,
    `$JS.API.CONSUMER.DELETE.${stream}.*`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`,
    `$JS.FC.${stream}.>`,
    `$JS.ACK.${stream}.>`,
  ];
}

/**
 * Uploading sources: chunks and meta (content-addressed, never replaced, so no purge: that could wipe every source).
 * Never the store's creation: an agent makes it with the cluster's settings, and `source.check` asks one first.
 */
const objectWrite = [`$O.${OBJECT_STORES.sources}.>`];
const WRITE_VERBS = ['deploy', 'rollback', 'scale', 'env.set', 'env.unset'].map((v) => `compartment.api.${v}`);
const READ_VERBS = ['status', 'inspect', 'logs', 'nodes', 'chart', 'domains', 'watch', 'feed', 'source.check'].map(
  (v) => `compartment.api.${v}`,
);
/** Subjects on which only node agents and edges answer: nobody else may listen there. */
const SERVER_SUBJECTS = [
  'compartment.api.>',
  'compartment.node.>',
  'compartment.leader.>',
  'compartment.edge.>',
  '$SRV.>',
];
const RECORDS = [
  `$KV.${BUCKETS.deployments}.>`,
  `$KV.${BUCKETS.variables}.>`,
  `$KV.${BUCKETS.leader}.>`,
  `$KV.${BUCKETS.routes}.>`,
];

const dashboard = (actions: boolean): RolePermissions => ({
  publish: {
    allow: [
      ...READ_VERBS,
      ...(actions ? ['compartment.api.deploy', 'compartment.api.rollback', ...objectWrite, ...jsRead(OBJ_STREAM)] : []),
      '$JS.API.INFO',
      // Records and transitions come through `feed`; only the log stream is still read directly (log-feed.ts).
      ...jsRead(STREAMS.logs),
    ],
    deny: [...(actions ? ['compartment.api.env.set', 'compartment.api.env.unset'] : WRITE_VERBS), '$KV.>'],
  },
  subscribe: {
    allow: [inbox(actions ? 'dashboard-actions' : 'dashboard')],
    deny: SERVER_SUBJECTS,
  },
});

export const PERMISSIONS: Record<Role, RolePermissions> = {
  // The control plane: it creates the streams, writes every record, answers every request.
  node: {
    publish: {
      allow: ['compartment.>', '$JS.API.>', '$JS.ACK.>', '$JS.FC.>', '$KV.>', '$O.>', '_INBOX.>', ...ROLES.map(inbox)],
    },
    // No allow_responses: every role's inbox is listed, so it is not needed (and the server would track each request it delivers).
    subscribe: { allow: ['compartment.>', '$SRV.>', inbox('node')] },
  },
  // The routing data plane: reads routes, heartbeats, answers edge.state; writes no record.
  edge: {
    publish: {
      allow: [
        'compartment.edge.*.applied',
        `$KV.${BUCKETS.nodes}.edge.*`,
        '$JS.API.INFO',
        // ensureCluster: an edge that starts first creates the streams (create never alters an existing one).
        ...ALL_STREAMS.flatMap((s) => [`$JS.API.STREAM.CREATE.${s}`, `$JS.API.STREAM.INFO.${s}`]),
        ...[BUCKETS.routes, BUCKETS.nodes, BUCKETS.members].flatMap((b) => jsRead(kvStream(b))),
      ],
      deny: [
        ...RECORDS,
        `$KV.${BUCKETS.members}.>`,
        `$KV.${BUCKETS.nodes}.node.*`,
        '$O.>',
        'compartment.api.>',
        'compartment.node.>',
        'compartment.leader.>',
      ],
    },
    subscribe: {
      allow: ['compartment.edge.state', inbox('edge')],
      deny: ['compartment.api.>', 'compartment.node.>', 'compartment.leader.>'],
    },
    allowResponses: true,
  },
  // A person (or script) with the CLI: every API verb (`watch` follows deployments), uploads sources, follows logs;
  // reads no record bucket and asks no node directly, so the stored format is no contract with it. Answers nothing.
  cli: {
    publish: {
      allow: ['compartment.api.>', '$JS.API.INFO', ...objectWrite, ...jsRead(OBJ_STREAM), ...jsRead(STREAMS.logs)],
      deny: ['$KV.>'],
    },
    subscribe: { allow: [inbox('cli')], deny: SERVER_SUBJECTS },
  },
  dashboard: dashboard(false),
  'dashboard-actions': dashboard(true),
};
