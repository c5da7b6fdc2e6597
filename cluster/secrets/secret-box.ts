// AES-256-GCM sealing of secret values under the cluster key, with a key id per value so a rotation can find old ones.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { CompartmentError } from '../../packages/protocol/index.js';

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** `v1.<kid>.<iv>.<tag>.<ciphertext>`, base64url parts: one string fits a JSON field and names its key. */
const SEALED = /^v1\.([0-9a-f]{16})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;

export interface ClusterKey {
  /** Derived from the key (one-way), so a value names its key without any registry of ids. */
  id: string;
  bytes: Buffer;
}

/** Wraps raw key bytes; the id is an HMAC of a fixed label, so it reveals nothing about the key. */
export function clusterKey(bytes: Buffer): ClusterKey {
  if (bytes.length !== KEY_BYTES)
    throw new CompartmentError('INVALID_ARGUMENT', `a cluster key is ${KEY_BYTES} bytes, got ${bytes.length}`);
  return {
    id: createHmac('sha256', bytes).update('compartment key id').digest('hex').slice(0, 16),
    bytes: Buffer.from(bytes),
  };
}

export const newClusterKey = (): ClusterKey => clusterKey(randomBytes(KEY_BYTES));

/** Separate keys for separate jobs: the fingerprint HMAC never uses the encryption key itself. */
function derive(key: ClusterKey, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key.bytes, Buffer.alloc(0), `compartment ${label}`, KEY_BYTES));
}

/** `context` (e.g. `staging.API_KEY`) is authenticated too: a sealed value moved to another name fails to open. */
export function seal(key: ClusterKey, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', derive(key, 'variables'), iv);
  cipher.setAAD(Buffer.from(context));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    key.id,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    data.toString('base64url'),
  ].join('.');
}

/** The key id a sealed value was made with, or null when the text is not a sealed value. */
export function keyIdOf(sealed: string): string | null {
  return SEALED.exec(sealed)?.[1] ?? null;
}

/** Opens with whichever of `keys` sealed it; a tampered value, another context or a missing key throws. */
export function open(keys: readonly ClusterKey[], sealed: string, context: string): string {
  const m = SEALED.exec(sealed);
  if (!m) throw new CompartmentError('INTERNAL', `the stored secret ${context} is not a sealed value`);
  const key = keys.find((k) => k.id === m[1]);
  if (!key) {
    throw new CompartmentError(
      'INTERNAL',
      `the secret ${context} is sealed with cluster key ${m[1]}, which this node does not hold (its key file names ${keys.map((k) => k.id).join(', ') || 'none'})`,
    );
  }
  const iv = Buffer.from(m[2]!, 'base64url');
  const tag = Buffer.from(m[3]!, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new CompartmentError('INTERNAL', `the stored secret ${context} is malformed`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive(key, 'variables'), iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(m[4]!, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new CompartmentError(
      'INTERNAL',
      `the stored secret ${context} fails authentication under cluster key ${key.id} (tampered with, or sealed under another key with the same id)`,
    );
  }
}

/** The key of the deployment fingerprint's HMAC: derived, so fingerprints shown by status say nothing of the cluster key. */
export const fingerprintKey = (key: ClusterKey): Buffer => derive(key, 'fingerprint');
