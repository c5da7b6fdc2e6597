// Uploaded source tarballs in the object store, content-addressed by `sha256-<hex>`: upload once, fetch to a file.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ObjectStore } from '@nats-io/obj';
import { errorText, CompartmentError, OBJECT_STORES } from '../../packages/protocol/index.js';
import type { ClusterConnection } from '../connection/index.js';

const DIGEST = /^sha256-([0-9a-f]{64})$/;

function hexOf(digest: string): string {
  const match = DIGEST.exec(digest);
  if (!match)
    throw new CompartmentError(
      'INVALID_ARGUMENT',
      `${JSON.stringify(digest)} is not a sha256-<64 hex> digest`,
      'digest',
    );
  return match[1]!;
}

function unavailable(error: unknown): never {
  if (error instanceof CompartmentError) throw error;
  throw new CompartmentError('CLUSTER_UNAVAILABLE', `NATS object store: ${errorText(error)}`);
}

/** Streams `source` on, hashing it; errors at the end (so the object store discards the upload) if the hash is not `hex`. */
function verifying(source: Readable | Uint8Array, hex: string): ReadableStream<Uint8Array> {
  const hash = createHash('sha256');
  const chunks: AsyncIterator<unknown> = (source instanceof Uint8Array ? Readable.from([source]) : source)[
    Symbol.asyncIterator
  ]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) {
        const actual = hash.digest('hex');
        if (actual === hex) controller.close();
        else
          controller.error(
            new CompartmentError('INVALID_ARGUMENT', `content hashes to sha256-${actual}, not sha256-${hex}`, 'digest'),
          );
        return;
      }
      const bytes = typeof value === 'string' ? Buffer.from(value) : (value as Uint8Array);
      hash.update(bytes);
      controller.enqueue(bytes);
    },
    async cancel() {
      await chunks.return?.();
    },
  });
}

function tooLarge(digest: string, size: number, maxBytes: number): CompartmentError {
  return new CompartmentError(
    'TOO_LARGE',
    `source ${digest} is ${mib(size)}, over this node's limit of ${mib(maxBytes)} (COMPARTMENT_MAX_SOURCE_MB)`,
    'source',
  );
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export class SourceStore {
  private constructor(
    private readonly conn: ClusterConnection,
    private readonly os: ObjectStore,
  ) {}

  static async open(conn: ClusterConnection): Promise<SourceStore> {
    await conn.whenConnected();
    return new SourceStore(conn, await conn.objm.open(OBJECT_STORES.sources).catch(unavailable));
  }

  async has(digest: string): Promise<boolean> {
    hexOf(digest);
    await this.conn.whenConnected();
    const info = await this.os.info(digest).catch(unavailable);
    return info !== null && !info.deleted;
  }

  /** Uploads unless already present. The bytes must hash to `digest`, else INVALID_ARGUMENT and nothing is stored. */
  async put(digest: string, data: Readable | Uint8Array): Promise<{ uploaded: boolean; size: number }> {
    const hex = hexOf(digest);
    await this.conn.whenConnected();
    const existing = await this.os.info(digest).catch(unavailable);
    if (existing && !existing.deleted) {
      if (data instanceof Readable) data.destroy();
      return { uploaded: false, size: existing.size };
    }
    try {
      const info = await this.os.put({ name: digest }, verifying(data, hex));
      return { uploaded: true, size: info.size };
    } catch (error) {
      if (data instanceof Readable) data.destroy();
      unavailable(error);
    }
  }

  /** Writes the source to `path` (atomically: a partial file never appears there). SOURCE_NOT_FOUND when missing. */
  async getToFile(digest: string, path: string, maxBytes = Infinity): Promise<{ size: number }> {
    const hex = hexOf(digest);
    await this.conn.whenConnected();
    const result = await this.os.get(digest).catch(unavailable);
    if (!result) throw new CompartmentError('SOURCE_NOT_FOUND', `source ${digest} is not in the object store`);
    if (result.info.size > maxBytes) {
      await result.data.cancel().catch(() => undefined);
      throw tooLarge(digest, result.info.size, maxBytes);
    }
    const partial = `${path}.partial-${process.pid}-${Date.now()}`;
    const hash = createHash('sha256');
    let read = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        // The stored size is what the uploader said; what arrives is counted too.
        read += chunk.length;
        if (read > maxBytes) return done(tooLarge(digest, read, maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(result.data as unknown as WebReadableStream<Uint8Array>),
        tap,
        createWriteStream(partial),
      );
      const error = await result.error;
      if (error) throw error;
      const actual = hash.digest('hex');
      if (actual !== hex) throw new CompartmentError('INTERNAL', `object ${digest} read back as sha256-${actual}`);
      await rename(partial, path);
      return { size: result.info.size };
    } catch (error) {
      await rm(partial, { force: true });
      unavailable(error);
    }
  }
}
