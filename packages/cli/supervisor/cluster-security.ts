// Before `up` starts any server: the role credentials (made once) and each member's nats-server config (written each time).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CompartmentError } from '../../protocol/index.js';
import type { ClusterPorts } from './cluster-files.js';
import { ensureCredentials, credentialsDirOf, writePrivate } from './cluster-credentials.js';
import { natsConfigText, type TlsFiles } from './nats-config.js';
import { childName, membersOf, type ServerSecurity } from './server-args.js';

export function checkTlsFiles(tls: TlsFiles): TlsFiles {
  for (const [flag, file] of [
    ['--nats-tls-cert', tls.cert],
    ['--nats-tls-key', tls.key],
    ['--nats-tls-ca', tls.ca],
  ] as const) {
    if (!existsSync(file)) throw new CompartmentError('INVALID_ARGUMENT', `${flag} ${file}: no such file`, flag);
  }
  return tls;
}

export function prepareSecurity(dataDir: string, ports: ClusterPorts, tls: TlsFiles | undefined): ServerSecurity {
  const credentials = ensureCredentials(dataDir);
  const members = membersOf(ports);
  const clustered = members.length > 1;
  const natsConfigs = members.map((m, i) => {
    const name = childName('nats', i + 1);
    const file = join(credentialsDirOf(dataDir), `${name}.conf`);
    const text = natsConfigText({
      ...(clustered
        ? {
            serverName: name,
            cluster: { name: 'compartment', port: m.natsCluster, routes: members.map((x) => x.natsCluster) },
          }
        : {}),
      port: m.nats,
      storeDir: join(dataDir, name),
      credentials,
      ...(tls ? { tls } : {}),
    });
    writePrivate(file, text);
    return file;
  });
  const { users } = credentials;
  return {
    creds: { node: users.node.file, edge: users.edge.file, dashboard: users.dashboard.file },
    natsConfigs,
    ...(tls ? { tlsCa: tls.ca } : {}),
  };
}
