// NATS credentials and TLS for every Compartment process: a credentials FILE (never a secret on the command line) and TLS files.
import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator } from '@nats-io/nats-core';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { parseCredentials } from '../../packages/protocol/index.js';

export interface SecurityFlags {
  natsCreds?: string;
  natsTlsCa?: string;
  natsTlsCert?: string;
  natsTlsKey?: string;
}

/** Client options for a credentials file: our nkey files (seed, role's inbox prefix) or a standard JWT .creds file. */
export function credentialsOptions(file: string): Partial<NodeConnectionOptions> {
  const parsed = parseCredentials(readFileSync(file, 'utf8'));
  if (parsed.kind === 'jwt') return { authenticator: credsAuthenticator(new TextEncoder().encode(parsed.text)) };
  return {
    authenticator: nkeyAuthenticator(new TextEncoder().encode(parsed.seed)),
    ...(parsed.inboxPrefix ? { inboxPrefix: parsed.inboxPrefix } : {}),
  };
}

export function securityOptions(f: SecurityFlags): Partial<NodeConnectionOptions> {
  const tls = {
    ...(f.natsTlsCa ? { caFile: f.natsTlsCa } : {}),
    ...(f.natsTlsCert ? { certFile: f.natsTlsCert } : {}),
    ...(f.natsTlsKey ? { keyFile: f.natsTlsKey } : {}),
  };
  return {
    ...(f.natsCreds ? credentialsOptions(f.natsCreds) : {}),
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
  };
}

/** The flags, for a command-line parser: [flag, description]. */
export const SECURITY_FLAGS: Array<[string, string]> = [
  [
    '--nats-creds <file>',
    'NATS credentials file: the role file `up` wrote in <data dir>/credentials, or a JWT .creds file',
  ],
  ['--nats-tls-ca <file>', 'CA certificate to verify the NATS servers'],
  ['--nats-tls-cert <file>', 'client certificate for NATS (mutual TLS)'],
  ['--nats-tls-key <file>', 'client key for NATS (mutual TLS)'],
];
