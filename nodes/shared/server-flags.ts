// Flag parsing shared by the server processes (`compartment node`, `compartment edge`): ranges, durations, names.
import { InvalidArgumentError } from 'commander';
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** `8100-8199` → [8100, ..., 8199]. */
export function parsePortRange(text: string): number[] {
  const m = /^(\d{1,5})-(\d{1,5})$/.exec(text);
  const [a, b] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(a >= 1 && b <= 65535 && a <= b)) throw new InvalidArgumentError('expected a port range like 8100-8199');
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

export function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function parsePort(text: string): number {
  const n = parsePositiveInt(text);
  if (n > 65535) throw new InvalidArgumentError('expected a port number');
  return n;
}

/** A stable id for this server: `--name`, else one remembered in the data dir, else made up once. */
export function serverId(dataDir: string, kind: 'node' | 'edge', given?: string): string {
  if (given) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(given))
      throw new InvalidArgumentError('names are lowercase letters, digits and "-"');
    return given;
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, `${kind}-id`);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const host =
      hostname()
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-')
        .slice(0, 40) || kind;
    const id = `${host}-${randomBytes(3).toString('hex')}`;
    writeFileSync(file, id);
    return id;
  }
}
