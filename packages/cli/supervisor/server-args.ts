// The exact command lines `up` runs: nats-server with JetStream, `compartment edge` and `compartment node`.
import { join } from 'node:path';
import type { ClusterPorts } from './cluster-files.js';

export type ServerName = 'nats' | 'edge' | 'node' | 'dashboard';

export interface ServerArgsInput {
  bin: string;
  natsUrl: string;
  dataDir: string;
  ports: ClusterPorts;
  /** The dashboard's deploy button (when enabled) deploys this project. */
  projectDir?: string;
}

export function serverArgs(name: ServerName, input: ServerArgsInput): { command: string; args: string[] } {
  const { bin, natsUrl, dataDir, ports, projectDir } = input;
  const routePorts = `${ports.routes[0]}-${ports.routes[1]}`;
  switch (name) {
    case 'nats':
      return { command: 'nats-server', args: ['-js', '-sd', join(dataDir, 'nats'), '-a', '127.0.0.1', '-p', String(ports.nats)] };
    case 'edge':
      return {
        command: process.execPath,
        args: [
          bin, 'edge',
          '--nats', natsUrl,
          '--data-dir', join(dataDir, 'edge'),
          '--dns-port', String(ports.dns),
          '--caddy-admin-port', String(ports.caddyAdmin),
          '--route-ports', routePorts,
          '--listen-host', '127.0.0.1',
        ],
      };
    case 'node':
      return {
        command: process.execPath,
        args: [bin, 'node', '--nats', natsUrl, '--data-dir', join(dataDir, 'node'), '--route-ports', routePorts, '--route-host', '127.0.0.1'],
      };
    case 'dashboard':
      return {
        command: process.execPath,
        args: [bin, 'dashboard', '--nats', natsUrl, '--host', '127.0.0.1', '--port', String(ports.dashboard ?? 0), ...(projectDir ? ['--project', projectDir] : [])],
      };
  }
}
