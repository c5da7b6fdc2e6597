// The exact command lines `up` runs: nats-server with JetStream, `compartment edge`, `compartment node`, the dashboard.
import { join } from 'node:path';
import type { ClusterPorts, MemberPorts } from './cluster-files.js';
import { edgeHostOf } from './port-picker.js';
import { clusterKeyFileOf } from './cluster-key.js';

export type ServerName = 'nats' | 'edge' | 'node' | 'dashboard';

export interface ServerArgsInput {
  bin: string;
  natsUrl: string;
  dataDir: string;
  ports: ClusterPorts;
  /** The dashboard's deploy button (when enabled) deploys this project. */
  projectDir?: string;
  /** 1-based member of `up --nodes N`; member 1 keeps the single-node names and directories. */
  member?: number;
  /** Authenticated cluster: each role's credentials FILE, the nats-server config of each member, the TLS CA. */
  security?: ServerSecurity;
}

export interface ServerSecurity {
  creds: Record<'node' | 'edge' | 'dashboard', string>;
  /** Member i's nats-server config file (index i - 1). */
  natsConfigs: string[];
  tlsCa?: string;
}

/** Files only: a secret never shows in the process list. */
const clientSecurity = (s: ServerSecurity | undefined, role: keyof ServerSecurity['creds']) =>
  s ? ['--nats-creds', s.creds[role], ...(s.tlsCa ? ['--nats-tls-ca', s.tlsCa] : [])] : [];

/** Every member's ports: one, or `members` of a multi-node cluster. */
export function membersOf(ports: ClusterPorts): MemberPorts[] {
  return ports.members ?? [{ nats: ports.nats, natsCluster: 0, dns: ports.dns, caddyAdmin: ports.caddyAdmin }];
}

/** `node`, or `node-2` for member 2: the child's name, its log file and (below the data dir) its directory. */
export const childName = (name: ServerName, member = 1) => (member === 1 ? name : `${name}-${member}`);

export function serverArgs(name: ServerName, input: ServerArgsInput): { command: string; args: string[] } {
  const { bin, natsUrl, dataDir, ports, projectDir } = input;
  const member = input.member ?? 1;
  const all = membersOf(ports);
  const me = all[member - 1]!;
  const routePorts = `${ports.routes[0]}-${ports.routes[1]}`;
  const dir = (kind: ServerName) => join(dataDir, childName(kind, member));
  // Three-way replication once there are three servers; a single server holds one copy.
  const replicas = ['--replicas', String(Math.min(all.length, 3))];
  const clustered = all.length > 1;
  switch (name) {
    case 'nats':
      if (input.security) return { command: 'nats-server', args: ['-c', input.security.natsConfigs[member - 1]!] };
      return {
        command: 'nats-server',
        args: [
          '-js',
          '-sd',
          dir('nats'),
          '-a',
          '127.0.0.1',
          '-p',
          String(me.nats),
          ...(clustered
            ? [
                '-n',
                childName('nats', member),
                '--cluster_name',
                'compartment',
                '--cluster',
                `nats://127.0.0.1:${me.natsCluster}`,
                '--routes',
                all.map((m) => `nats://127.0.0.1:${m.natsCluster}`).join(','),
              ]
            : []),
        ],
      };
    case 'edge':
      return {
        command: process.execPath,
        args: [
          bin,
          'edge',
          '--nats',
          natsUrl,
          '--data-dir',
          dir('edge'),
          '--dns-port',
          String(me.dns),
          '--route-ports',
          routePorts,
          '--listen-host',
          edgeHostOf(member),
          ...(clustered ? ['--name', `edge-${member}`, ...replicas] : []),
          ...clientSecurity(input.security, 'edge'),
          // Domains on high ports with Caddy's own CA: `up` is local, no ACME server can reach it.
          ...(ports.https && ports.http
            ? ['--https-port', String(ports.https), '--http-port', String(ports.http), '--tls', 'internal']
            : ['--https-port', '0']),
        ],
      };
    case 'node':
      return {
        command: process.execPath,
        args: [
          bin,
          'node',
          '--nats',
          natsUrl,
          '--data-dir',
          dir('node'),
          '--route-ports',
          routePorts,
          '--route-host',
          '127.0.0.1',
          ...(ports.https ? ['--https-port', String(ports.https)] : []),
          // The edge runs as its own child of `up` (so `up` restarts it); the flag only tells the cluster it is there.
          '--edge-external',
          ...(clustered ? ['--name', `node-${member}`, ...replicas] : []),
          // A path, not the key: every member reads the same file.
          '--cluster-key',
          clusterKeyFileOf(dataDir),
          ...clientSecurity(input.security, 'node'),
        ],
      };
    case 'dashboard':
      return {
        command: process.execPath,
        args: [
          bin,
          'dashboard',
          '--nats',
          natsUrl,
          '--host',
          '127.0.0.1',
          '--port',
          String(ports.dashboard ?? 0),
          '--token-file',
          join(dataDir, 'dashboard.token'),
          ...(projectDir ? ['--project', projectDir] : []),
          ...clientSecurity(input.security, 'dashboard'),
        ],
      };
  }
}
