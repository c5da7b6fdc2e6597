// Opt-in authentication for test servers: the users, permissions, route auth and TLS `compartment up` configures.
import { join } from 'node:path';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { ensureCredentials, type ClusterCredentials } from '../../packages/cli/supervisor/cluster-credentials.js';
import { natsConfigText, type TlsFiles } from '../../packages/cli/supervisor/nats-config.js';
import type { Role } from '../../packages/cli/supervisor/role-permissions.js';
import { credentialsOptions } from '../../cluster/connection/index.js';
import { tempDir } from './tmp.js';

/** Opt-in: a server configured like `up` configures it (per-role nkey users, route password, TLS if given). */
export interface AuthOptions {
  tls?: TlsFiles;
}

export interface ServerAuth {
  credentials: ClusterCredentials;
  tls: TlsFiles | null;
  /** Connection options of a role: its credentials file (and the CA when TLS is on). */
  options(role: Role): Partial<NodeConnectionOptions>;
}

/** Credentials in a temp dir that `track` removes with the servers. */
export function serverAuth(
  options: AuthOptions | undefined,
  track: (dir: { remove(): void }) => void,
): ServerAuth | null {
  if (!options) return null;
  const dir = tempDir('nats-auth-');
  track(dir);
  const credentials = ensureCredentials(join(dir.path, 'data'));
  const tls = options.tls ?? null;
  return {
    credentials,
    tls,
    options: (role) => ({
      ...credentialsOptions(credentials.users[role].file),
      ...(tls ? { tls: { caFile: tls.ca } } : {}),
    }),
  };
}

interface ServerSpec {
  name: string;
  port: number;
  monitorPort: number;
  storeDir: string;
  clusterPort: number | null;
  cluster: { name: string; routes: number[] } | null;
}

export function authConfigText(auth: ServerAuth, s: ServerSpec): string {
  return natsConfigText({
    serverName: s.name,
    port: s.port,
    monitorPort: s.monitorPort,
    storeDir: s.storeDir,
    credentials: auth.credentials,
    ...(s.cluster && s.clusterPort !== null
      ? { cluster: { name: s.cluster.name, port: s.clusterPort, routes: s.cluster.routes } }
      : {}),
    ...(auth.tls ? { tls: auth.tls } : {}),
  });
}
