// The reply envelope, written once: encoding (chunked, size-bounded) for servers, decoding (validated) for callers.
import {
  CompartmentError,
  MAX_REPLY_BYTES,
  isErrorCode,
  type AnyRpc,
  type ErrorPayload,
  type RpcReply,
  errorText,
} from '../../packages/protocol/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
type Envelope = { ok: true; result: unknown; more?: boolean } | { ok: false; error: ErrorPayload };

export function errorPayload(error: unknown): ErrorPayload {
  if (error instanceof CompartmentError) return error.toPayload();
  return { code: 'INTERNAL', message: errorText(error) };
}

/** Bytes as JSON, or a CompartmentError with `code` (bad input on the serving side, a broken peer on the calling one). */
function parseJson(data: Uint8Array, code: 'INVALID_ARGUMENT' | 'INTERNAL', what: string): unknown {
  try {
    return JSON.parse(decoder.decode(data));
  } catch {
    throw new CompartmentError(code, `${what} is not JSON`);
  }
}

/** A request body as JSON; an empty body is `{}` so verbs without fields need no payload. */
export const decodeBody = (data: Uint8Array): unknown =>
  data.length === 0 ? {} : parseJson(data, 'INVALID_ARGUMENT', 'the request body');

/** A reply as JSON, before its envelope is checked. */
export const decodeJson = (data: Uint8Array): unknown => parseJson(data, 'INTERNAL', 'a reply');

const bytes = (value: unknown) => encoder.encode(JSON.stringify(value));

function tooLarge(spec: AnyRpc, size: number, limit: number): Uint8Array {
  const message = `the reply to ${spec.name} is ${size} bytes, over the ${limit}-byte limit of one message; ask for less`;
  return bytes({ ok: false, error: { code: 'TOO_LARGE', message } });
}

/**
 * The messages that carry one reply, none over `limit` bytes: one envelope, or for a chunked spec several, each with
 * part of its array and `more: true` on all but the last. What cannot fit becomes a TOO_LARGE error envelope.
 */
export function encodeReply(spec: AnyRpc, envelope: Envelope, limit = MAX_REPLY_BYTES): Uint8Array[] {
  const whole = bytes(envelope);
  if (whole.length <= limit) return [whole];
  const field = spec.chunked;
  const result = envelope.ok ? (envelope.result as Record<string, unknown> | null) : null;
  const items = field && result ? result[field] : undefined;
  if (!field || !Array.isArray(items)) return [tooLarge(spec, whole.length, limit)];
  const frame = bytes({ ok: true, result: { ...result, [field]: [] }, more: false }).length;
  const chunks: unknown[][] = [[]];
  let size = frame;
  for (const item of items) {
    const n = bytes(item).length + 1;
    if (frame + n > limit) return [tooLarge(spec, whole.length, limit)];
    if (size + n > limit) chunks.push([]), (size = frame);
    chunks.at(-1)!.push(item);
    size += n;
  }
  return chunks.map((chunk, i) =>
    bytes({ ok: true, result: { ...result, [field]: chunk }, more: i < chunks.length - 1 }),
  );
}

/** `{ok: true, result}` → the validated result; `{ok: false, error}` → thrown with its code (unknown codes: INTERNAL). */
export function decodeReply<S extends AnyRpc>(spec: S, raw: unknown): RpcReply<S> {
  const envelope = raw as {
    ok?: unknown;
    result?: unknown;
    error?: { code?: unknown; message?: unknown; field?: unknown };
  } | null;
  if (envelope?.ok === false) {
    const { code, message, field } = envelope.error ?? {};
    const text = typeof message === 'string' ? message : `${spec.name} failed`;
    if (!isErrorCode(code))
      throw new CompartmentError('INTERNAL', `${text} (unknown error code ${JSON.stringify(code)})`);
    throw new CompartmentError(code, text, typeof field === 'string' ? field : undefined);
  }
  if (envelope?.ok !== true)
    throw new CompartmentError('INTERNAL', `the reply to ${spec.name} is not a reply envelope`);
  const parsed = spec.reply.safeParse(envelope.result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CompartmentError(
      'INTERNAL',
      `the reply to ${spec.name} does not match its schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data as RpcReply<S>;
}

/** Joins the parts of a chunked reply in order; returns the envelope so far and whether more parts follow. */
export function mergeChunk(spec: AnyRpc, merged: unknown, raw: unknown): { envelope: unknown; more: boolean } {
  const part = raw as { ok?: unknown; more?: unknown; result?: Record<string, unknown> } | null;
  const field = spec.chunked;
  const prev = merged as { ok?: unknown; result?: Record<string, unknown> } | null;
  const more = part?.ok === true && part.more === true;
  if (!field || !prev || prev.ok !== true || part?.ok !== true) return { envelope: raw, more };
  const joined = [...((prev.result?.[field] as unknown[]) ?? []), ...((part.result?.[field] as unknown[]) ?? [])];
  return { envelope: { ...part, result: { ...part.result, [field]: joined } }, more };
}
