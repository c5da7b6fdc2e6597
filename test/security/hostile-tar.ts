// Hand-made tar archives with what a friendly packer never writes: `..`, absolute paths, outside links, devices, setuid.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Header } from 'tar';

export interface RawEntry {
  path: string;
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice';
  mode?: number;
  body?: string;
  linkpath?: string;
  uid?: number;
  gid?: number;
}

/** Writes an uncompressed tar of `entries`, byte for byte as given (no path cleaning), and returns its path. */
export function writeRawTar(dir: string, name: string, entries: RawEntry[]): string {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const type = e.type ?? 'File';
    const header = new Header({
      path: e.path,
      type,
      mode: e.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: type === 'File' ? body.length : 0,
      linkpath: e.linkpath ?? '',
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: new Date(0),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (type === 'File' && body.length > 0) blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat(blocks));
  return file;
}
