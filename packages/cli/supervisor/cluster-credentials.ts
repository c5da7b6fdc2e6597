// Per-role NATS credentials of a local cluster, made once by `up` in <data dir>/credentials (0700, files 0600) and reused.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/nats-core';
import { CREDENTIALS_FILE_MODE, formatCredentials, parseCredentials } from '../../protocol/index.js';
import { ROLES, type Role } from './role-permissions.js';

export interface ClusterCredentials {
  dir: string;
  /** Each role's credentials file (what a process gets with --nats-creds) and its public nkey (what the server holds). */
  users: Record<Role, { file: string; publicKey: string }>;
  /** Cluster routes authenticate with this user and password among themselves. */
  route: { user: string; password: string };
}

export const credentialsDirOf = (dataDir: string) => join(dataDir, 'credentials');
export const credentialsFileOf = (dataDir: string, role: Role) => join(credentialsDirOf(dataDir), `${role}.creds`);

/** Writes a private file: created 0600 (never readable by others, not even for a moment), then renamed into place. */
export function writePrivate(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: CREDENTIALS_FILE_MODE });
  chmodSync(tmp, CREDENTIALS_FILE_MODE);
  renameSync(tmp, path);
}

function roleUser(dir: string, role: Role): { file: string; publicKey: string } {
  const file = join(dir, `${role}.creds`);
  if (existsSync(file)) {
    chmodSync(file, CREDENTIALS_FILE_MODE);
    const parsed = parseCredentials(readFileSync(file, 'utf8'));
    if (parsed.kind === 'nkey')
      return { file, publicKey: nkeys.fromSeed(new TextEncoder().encode(parsed.seed)).getPublicKey() };
  }
  const pair = nkeys.createUser();
  writePrivate(file, formatCredentials(role, new TextDecoder().decode(pair.getSeed())));
  return { file, publicKey: pair.getPublicKey() };
}

/**
 * Makes what is missing, keeps what exists: the credentials dir 0700, every file 0600. The data dir itself is 0711
 * (traverse-only, as the supervisor leaves it): workloads must pass through it to their releases below `node/`; at
 * 0700 every agent would move its releases out to /var/lib/compartment.
 */
export function ensureCredentials(dataDir: string): ClusterCredentials {
  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  chmodSync(dataDir, 0o711);
  const dir = credentialsDirOf(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const users = Object.fromEntries(ROLES.map((role) => [role, roleUser(dir, role)])) as ClusterCredentials['users'];
  const routeFile = join(dir, 'route.password');
  if (!existsSync(routeFile)) writePrivate(routeFile, randomBytes(24).toString('hex') + '\n');
  chmodSync(routeFile, CREDENTIALS_FILE_MODE);
  return { dir, users, route: { user: 'compartment-route', password: readFileSync(routeFile, 'utf8').trim() } };
}
