// Packs a service's source into a deterministic tar.gz (equal content ⇒ equal bytes) and names it by its sha256.
import { createHash } from 'node:crypto';
import { lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompartmentError,
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_MAX_UNPACKED_BYTES,
  bytesFromMb,
} from '../../protocol/index.js';
import { listSourceFiles } from './source-files.js';

export interface SourceTarball {
  bytes: Uint8Array;
  /** `sha256-<hex>` of the gzipped bytes: the object's name in the sources store. */
  digest: string;
  files: number;
}

/** Fixed mtime: timestamps from a checkout must not change the digest. */
const EPOCH = new Date(0);

export function digestOf(bytes: Uint8Array): string {
  return `sha256-${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * `portable` drops owners, atime/ctime and normalises modes (group/other write bits) and the gzip header;
 * `mtime` pins file times; entries are added in listSourceFiles' sorted order and not recursed into.
 */
export async function packSource(root: string, field = 'path'): Promise<SourceTarball> {
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new CompartmentError('CONFIG_INVALID', `${field}: ${root} is not a directory`, field);
  const files = listSourceFiles(root);
  // The agents refuse a source over their limits; saying so here spares the upload (same variables, same defaults).
  const limits = {
    packed: bytesFromMb(process.env.COMPARTMENT_MAX_SOURCE_MB, DEFAULT_MAX_SOURCE_BYTES),
    unpacked: bytesFromMb(process.env.COMPARTMENT_MAX_UNPACKED_MB, DEFAULT_MAX_UNPACKED_BYTES),
  };
  const unpacked = files.reduce((n, f) => n + fileSize(join(root, f)), 0);
  if (unpacked > limits.unpacked)
    throw sourceTooLarge(field, root, 'holds', unpacked, limits.unpacked, 'COMPARTMENT_MAX_UNPACKED_MB');
  const tar = await import('tar');
  const chunks: Buffer[] = [];
  // An empty source (a start command that needs no files) is still a release: the archive holds just its root.
  const pack = tar.create(
    { cwd: root, gzip: { level: 6 }, portable: true, mtime: EPOCH, noDirRecurse: true, strict: true },
    files.length > 0 ? files : ['.'],
  );
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  const bytes = new Uint8Array(Buffer.concat(chunks));
  if (bytes.length > limits.packed)
    throw sourceTooLarge(field, root, 'packs to', bytes.length, limits.packed, 'COMPARTMENT_MAX_SOURCE_MB');
  return { bytes, digest: digestOf(bytes), files: files.length };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function sourceTooLarge(
  field: string,
  root: string,
  verb: string,
  size: number,
  max: number,
  variable: string,
): CompartmentError {
  return new CompartmentError(
    'TOO_LARGE',
    `${field}: ${root} ${verb} ${mib(size)}, over the limit of ${mib(max)} (${variable}; add large files to .compartmentignore)`,
    field,
  );
}

function fileSize(path: string): number {
  const stat = lstatSync(path);
  return stat.isFile() ? stat.size : 0;
}
