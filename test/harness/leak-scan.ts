// Looks for a clear value everywhere the cluster keeps data: every message of every stream (KV buckets with their
// history, object store chunks, the log stream), every object unpacked, and the local files of a project.
import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { connectCluster } from '../../cluster/index.js';

export interface LeakReport {
  /** Where a form of the value was found, e.g. `KV_compartment_variables#12` or `object compartment_sources/sha256-…`. */
  found: string[];
  streams: string[];
  kvBuckets: string[];
  messages: number;
  objects: number;
}

/** The value as it could sit in stored bytes: clear, base64 (JSON of bytes), hex, and its bare sha256. */
export function formsOf(value: string): string[] {
  const b = Buffer.from(value);
  return [
    value,
    b.toString('base64'),
    b.toString('base64url'),
    b.toString('hex'),
    createHash('sha256').update(value).digest('hex'),
  ];
}

const holds = (bytes: Uint8Array, forms: string[]) => {
  const text = Buffer.from(bytes).toString('latin1');
  return forms.some((f) => text.includes(f));
};

/** `nats`: the credentials to read with (a node agent's: it may read every stream). */
export async function scanCluster(
  natsUrl: string,
  value: string,
  nats: Partial<NodeConnectionOptions> = {},
): Promise<LeakReport> {
  const forms = formsOf(value);
  const conn = await connectCluster({ servers: natsUrl.split(','), name: 'leak-scan', nats });
  const report: LeakReport = { found: [], streams: [], kvBuckets: [], messages: 0, objects: 0 };
  try {
    for await (const kv of conn.kvm.list()) report.kvBuckets.push(kv.bucket);
    for await (const info of conn.jsm.streams.list()) {
      const name = info.config.name;
      report.streams.push(name);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const m = await conn.jsm.streams.getMessage(name, { seq }).catch(() => null);
        if (!m) continue;
        report.messages++;
        const headers = m.header ? [...m.header.keys()].map((k) => `${k}:${m.header!.get(k)}`).join('\n') : '';
        if (holds(m.data, forms) || forms.some((f) => m.subject.includes(f) || headers.includes(f)))
          report.found.push(`${name}#${seq} (${m.subject})`);
      }
      if (!name.startsWith('OBJ_')) continue;
      // Chunks are scanned above; a source tarball is gzipped, so each object is also unpacked and scanned whole.
      const store = await conn.objm.open(name.slice(4));
      for (const o of await store.list()) {
        const blob = await store.getBlob(o.name);
        if (!blob) continue;
        report.objects++;
        const plain = blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob;
        if (holds(plain, forms)) report.found.push(`object ${name.slice(4)}/${o.name}`);
      }
    }
  } finally {
    await conn.close();
  }
  return report;
}

/** Files under `dir` (e.g. a data dir's logs) holding a form of the value. */
export function scanFiles(dir: string, value: string): string[] {
  const forms = formsOf(value);
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const s = statSync(path, { throwIfNoEntry: false });
      if (!s) continue;
      if (s.isDirectory()) walk(path);
      else if (s.isFile() && s.size < 64 * 1024 * 1024 && holds(readFileSync(path), forms)) found.push(path);
    }
  };
  walk(dir);
  return found;
}
