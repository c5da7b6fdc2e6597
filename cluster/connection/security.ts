// NATS credentials and TLS for `compartment node` and `compartment edge`, passed through to the client as they are.
import { readFileSync } from 'node:fs';
import { credsAuthenticator } from '@nats-io/nats-core';
import type { NodeConnectionOptions } from '@nats-io/transport-node';

export interface SecurityFlags {
  natsCreds?: string;
  natsTlsCa?: string;
  natsTlsCert?: string;
  natsTlsKey?: string;
}

export function securityOptions(f: SecurityFlags): Partial<NodeConnectionOptions> {
  const tls = {
    ...(f.natsTlsCa ? { caFile: f.natsTlsCa } : {}),
    ...(f.natsTlsCert ? { certFile: f.natsTlsCert } : {}),
    ...(f.natsTlsKey ? { keyFile: f.natsTlsKey } : {}),
  };
  return {
    ...(f.natsCreds ? { authenticator: credsAuthenticator(readFileSync(f.natsCreds)) } : {}),
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
  };
}

/** The flags, for a command-line parser: [flag, description]. */
export const SECURITY_FLAGS: Array<[string, string]> = [
  ['--nats-creds <file>', 'NATS credentials file (JWT and seed)'],
  ['--nats-tls-ca <file>', 'CA certificate to verify the NATS servers'],
  ['--nats-tls-cert <file>', 'client certificate for NATS (mutual TLS)'],
  ['--nats-tls-key <file>', 'client key for NATS (mutual TLS)'],
];
