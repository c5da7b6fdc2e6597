// Packs a service's source into a deterministic tar.gz (equal content ⇒ equal bytes) and names it by its sha256.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { CompartmentError } from '../../protocol/index.js';
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
  const tar = await import('tar');
  const chunks: Buffer[] = [];
  // An empty source (a start command that needs no files) is still a release: the archive holds just its root.
  const pack = tar.create({ cwd: root, gzip: { level: 6 }, portable: true, mtime: EPOCH, noDirRecurse: true, strict: true }, files.length > 0 ? files : ['.']);
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  const bytes = new Uint8Array(Buffer.concat(chunks));
  return { bytes, digest: digestOf(bytes), files: files.length };
}
