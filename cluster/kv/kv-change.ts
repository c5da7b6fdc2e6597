// A watched KV entry told apart once for every store: a put whose JSON passed its schema, a delete, or an invalid value.
import type { z } from 'zod';
import { errorText, formatZodError } from '../../packages/protocol/index.js';
import { jsonOf, type RawEntry } from './kv-entry.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export type KvChange<T> =
  | { type: 'put'; key: string; revision: number; value: T; initial: boolean }
  | { type: 'delete'; key: string; revision: number; initial: boolean }
  | { type: 'invalid'; key: string; revision: number; error: string; initial: boolean };

/** The entry's JSON checked against `schema`; what does not parse comes back as text, never as a throw. */
export function parseEntry<S extends z.ZodTypeAny>(entry: RawEntry, schema: S): Parsed<z.infer<S>> {
  let json: unknown;
  try {
    json = jsonOf(entry.data);
  } catch (error) {
    return { ok: false, error: `not JSON: ${errorText(error)}` };
  }
  const result = schema.safeParse(json);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: formatZodError(result.error, json) };
}

/** A delete or purge is a delete; a put is parsed with `parse`, and one that fails is reported as invalid. */
export function changeOf<T>(entry: RawEntry, initial: boolean, parse: (entry: RawEntry) => Parsed<T>): KvChange<T> {
  const { key, revision } = entry;
  if (entry.operation !== 'PUT') return { type: 'delete', key, revision, initial };
  const parsed = parse(entry);
  return parsed.ok
    ? { type: 'put', key, revision, value: parsed.value, initial }
    : { type: 'invalid', key, revision, error: parsed.error, initial };
}
