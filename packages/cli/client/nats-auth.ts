// Which credentials and TLS CA the CLI uses: --nats-creds, else $COMPARTMENT_NATS_CREDS, else the operator file of the local cluster.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions } from '@nats-io/nats-core';
import { errorText, CompartmentError, parseCredentials } from '../../protocol/index.js';
import { readContext } from '../supervisor/cluster-files.js';

export interface NatsAuth {
  /** A credentials FILE (never the secret itself): ours (nkey seed) or a standard JWT .creds file. */
  credsFile?: string;
  /** CA certificate that verifies the servers' TLS certificates. */
  tlsCa?: string;
}

/** The local cluster's operator credentials apply when the CLI talks to the cluster `up` started in `cwd`. */
export function resolveNatsAuth(
  url: string,
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): NatsAuth {
  const context = readContext(cwd);
  const local = context !== null && context.natsUrl === url;
  const localCreds =
    local && typeof context.dataDir === 'string' ? join(context.dataDir, 'credentials', 'cli.creds') : undefined;
  const credsFile =
    flag ??
    (env.COMPARTMENT_NATS_CREDS || undefined) ??
    (localCreds && existsSync(localCreds) ? localCreds : undefined);
  const tlsCa = (env.COMPARTMENT_NATS_TLS_CA || undefined) ?? (local ? (context.tlsCa ?? undefined) : undefined);
  return { ...(credsFile ? { credsFile } : {}), ...(tlsCa ? { tlsCa } : {}) };
}

/** Client options for `auth`; a credentials file that cannot be read is bad input (exit 2), not a connection failure. */
export async function authOptions(auth: NatsAuth = {}): Promise<Partial<ConnectionOptions>> {
  const options: Partial<ConnectionOptions> = auth.tlsCa ? { tls: { caFile: auth.tlsCa } } : {};
  if (!auth.credsFile) return options;
  let text: string;
  let parsed: ReturnType<typeof parseCredentials>;
  try {
    text = readFileSync(auth.credsFile, 'utf8');
    parsed = parseCredentials(text);
  } catch (error) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `--nats-creds ${auth.credsFile}: ${errorText(error)}`,
      '--nats-creds',
    );
  }
  if (parsed.kind === 'jwt') {
    const { credsAuthenticator } = await import('@nats-io/nats-core');
    return { ...options, authenticator: credsAuthenticator(new TextEncoder().encode(parsed.text)) };
  }
  const { nativeNkeyAuthenticator } = await import('./nkey-authenticator.js');
  return {
    ...options,
    authenticator: nativeNkeyAuthenticator(parsed.seed),
    ...(parsed.inboxPrefix ? { inboxPrefix: parsed.inboxPrefix } : {}),
  };
}
