// Raw KV entries read straight from a bucket's stream: key, revision, operation, bytes; and the CAS error mapping.
import type { MsgHdrs } from '@nats-io/nats-core';
import { JetStreamApiError, JetStreamApiCodes } from '@nats-io/jetstream';
import { errorText, CompartmentError } from '../../packages/protocol/index.js';

export type KvOperation = 'PUT' | 'DEL' | 'PURGE';

export interface RawEntry {
  key: string;
  revision: number;
  operation: KvOperation;
  data: Uint8Array;
  created: Date;
}

export const kvStream = (bucket: string) => `KV_${bucket}`;
export const kvSubject = (bucket: string, key: string) => `$KV.${bucket}.${key}`;

export function operationOf(headers: MsgHdrs | undefined): KvOperation {
  const op = headers?.get('KV-Operation');
  return op === 'DEL' || op === 'PURGE' ? op : 'PUT';
}

export function keyOf(bucket: string, subject: string): string {
  return subject.slice(`$KV.${bucket}.`.length);
}

/** The server's answer to a compare-and-swap (or create) that lost: the key moved on or already exists. */
export function isWrongLastSequence(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** Rethrows a lost CAS as CONFLICT; anything else as CLUSTER_UNAVAILABLE (timeouts, no JetStream). */
export function rethrowKv(error: unknown, conflictMessage: string): never {
  if (error instanceof CompartmentError) throw error;
  if (isWrongLastSequence(error)) throw new CompartmentError('CONFLICT', conflictMessage);
  throw new CompartmentError('CLUSTER_UNAVAILABLE', `NATS KV: ${errorText(error)}`);
}

const decoder = new TextDecoder();
export function jsonOf(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}
