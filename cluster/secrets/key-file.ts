// The cluster key file: base64 keys one per line, the first seals new values, the others stay readable during a rotation.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { errorText, CompartmentError } from '../../packages/protocol/index.js';
import { clusterKey, KEY_BYTES, type ClusterKey } from './secret-box.js';

export function parseKeyFile(text: string, path: string): ClusterKey[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const keys = lines.map((line, i) => {
    const bytes = Buffer.from(line, 'base64');
    if (bytes.length !== KEY_BYTES || !/^[A-Za-z0-9+/=_-]+$/.test(line)) {
      throw new CompartmentError(
        'INVALID_ARGUMENT',
        `cluster key file ${path}, line ${i + 1}: expected ${KEY_BYTES} bytes in base64`,
        '--cluster-key',
      );
    }
    return clusterKey(bytes);
  });
  if (keys.length === 0)
    throw new CompartmentError('INVALID_ARGUMENT', `cluster key file ${path} holds no key`, '--cluster-key');
  return keys;
}

export function readKeyFile(path: string): ClusterKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `cannot read the cluster key file ${path}: ${errorText(e)}`,
      '--cluster-key',
    );
  }
  return parseKeyFile(text, path);
}

/** Write-then-rename with mode 0600 from the start: no reader ever sees half a key file or a readable one. */
export function writeKeyFile(path: string, keys: readonly ClusterKey[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, keys.map((k) => k.bytes.toString('base64')).join('\n') + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** Creates a key file with one fresh key unless it exists (the same as `up` does). */
export function ensureKeyFile(path: string): boolean {
  if (existsSync(path)) return false;
  writeKeyFile(path, [clusterKey(randomBytes(KEY_BYTES))]);
  return true;
}

/**
 * The keys of one file, re-read when the file changes: a rotation served by another agent sharing the file
 * (`up --nodes 3`) or a key file copied in by an operator takes effect without a restart.
 */
export class KeyRing {
  private keys: ClusterKey[];
  private stamp: string;

  constructor(readonly path: string) {
    this.keys = readKeyFile(path);
    this.stamp = this.stampNow();
  }

  /** The key new values are sealed with. */
  current(): ClusterKey {
    return this.all()[0]!;
  }

  /** Every key this node can open values with, current first. */
  all(): ClusterKey[] {
    const stamp = this.stampNow();
    if (stamp !== this.stamp) {
      this.keys = readKeyFile(this.path);
      this.stamp = stamp;
    }
    return this.keys;
  }

  /** Replaces the file's keys (rotation); the ring follows at once. */
  write(keys: readonly ClusterKey[]): void {
    writeKeyFile(this.path, keys);
    this.keys = [...keys];
    this.stamp = this.stampNow();
  }

  private stampNow(): string {
    try {
      const s = statSync(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      // A vanished file keeps the keys already read: an agent does not lose its secrets to a mistaken rm.
      return this.stamp;
    }
  }
}
