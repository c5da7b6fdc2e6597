// Splits a log batch whose encoded size would exceed the server's max_payload (escaped binary output can grow 6x).
import type { LogBatch } from '../../packages/protocol/index.js';

export interface EncodedBatch {
  batch: LogBatch;
  payload: string;
}

/** Encodes `batch`, halving it (and, for a single huge line, its text) until every part is at most `maxBytes`. */
export function fitBatch(batch: LogBatch, maxBytes: number): EncodedBatch[] {
  const payload = JSON.stringify(batch);
  if (Buffer.byteLength(payload) <= maxBytes) return [{ batch, payload }];
  if (batch.lines.length > 1) {
    const half = Math.ceil(batch.lines.length / 2);
    return [
      ...fitBatch({ ...batch, lines: batch.lines.slice(0, half) }, maxBytes),
      ...fitBatch({ ...batch, lines: batch.lines.slice(half) }, maxBytes),
    ];
  }
  const line = batch.lines[0]!;
  const text = line.text.slice(0, Math.floor(line.text.length / 2));
  return fitBatch(
    { ...batch, lines: [{ time: line.time, text: text.endsWith('[truncated]') ? text : `${text}… [truncated]` }] },
    maxBytes,
  );
}
