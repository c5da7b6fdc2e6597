// The nats-server config file `up` writes for each member: JetStream, per-role users with permissions, route auth, TLS.
import type { ClusterCredentials } from './cluster-credentials.js';
import { PERMISSIONS, ROLES, type RolePermissions } from './role-permissions.js';

export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

export interface NatsConfigInput {
  /** Set for clustered servers only (a single server keeps its anonymous name, as before). */
  serverName?: string;
  port: number;
  storeDir: string;
  credentials: ClusterCredentials;
  /** Clustered: this server's route port and every member's (including its own). */
  cluster?: { name: string; port: number; routes: number[] };
  tls?: TlsFiles;
  host?: string;
  /** The HTTP monitoring port (tests read /healthz and /routez); none by default. */
  monitorPort?: number;
}

const q = (s: string) => JSON.stringify(s);
const list = (xs: string[]) => `[${xs.map(q).join(', ')}]`;

function rules(r: { allow: string[]; deny?: string[] }): string {
  return `{ allow: ${list(r.allow)}${r.deny?.length ? `, deny: ${list(r.deny)}` : ''} }`;
}

function permissions(p: RolePermissions): string {
  return `{ publish: ${rules(p.publish)}, subscribe: ${rules(p.subscribe)}${p.allowResponses ? ', allow_responses: true' : ''} }`;
}

const tlsBlock = (t: TlsFiles, indent = '') =>
  `${indent}tls { cert_file: ${q(t.cert)}, key_file: ${q(t.key)}, ca_file: ${q(t.ca)}, timeout: 5 }`;

/** The config text; it holds public nkeys and the route password, so it is written 0600 like the credentials. */
export function natsConfigText(input: NatsConfigInput): string {
  const host = input.host ?? '127.0.0.1';
  const { credentials: c } = input;
  const lines = [
    '# Written by `compartment up`; rewritten on every up. Users authenticate with nkeys (no anonymous access).',
    ...(input.serverName ? [`server_name: ${q(input.serverName)}`] : []),
    `listen: ${q(`${host}:${input.port}`)}`,
    ...(input.monitorPort ? [`http: ${q(`${host}:${input.monitorPort}`)}`] : []),
    `jetstream { store_dir: ${q(input.storeDir)} }`,
    'authorization {',
    '  users = [',
    ...ROLES.map(
      (role) =>
        `    # ${role}\n    { nkey: ${q(c.users[role].publicKey)}, permissions: ${permissions(PERMISSIONS[role])} }`,
    ),
    '  ]',
    '}',
  ];
  if (input.tls) lines.push(tlsBlock(input.tls));
  if (input.cluster) {
    const { user, password } = c.route;
    const routes = input.cluster.routes.map((p) => `nats-route://${user}:${password}@${host}:${p}`);
    lines.push(
      'cluster {',
      `  name: ${q(input.cluster.name)}`,
      `  listen: ${q(`${host}:${input.cluster.port}`)}`,
      `  authorization { user: ${q(user)}, password: ${q(password)}, timeout: 5 }`,
      `  routes: ${list(routes)}`,
      ...(input.tls ? [tlsBlock(input.tls, '  ')] : []),
      '}',
    );
  }
  return lines.join('\n') + '\n';
}
