// Turns zod failures into one error that names the field path, e.g. `services.web.port: expected number`.
import type { z } from 'zod';
import { CompartmentError, type ErrorCode } from './errors.js';

export function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => String(p)).join('.');
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function describe(issue: z.core.$ZodIssue, input: unknown): { path: string; text: string } {
  const path = pathOf(issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (valueAt(input, issue.path) === undefined) return { path, text: `required (expected ${issue.expected})` };
      return { path, text: `expected ${issue.expected}` };
    }
    case 'invalid_key': {
      const key = issue.path[issue.path.length - 1];
      const why = issue.issues.map((i) => i.message).join('; ');
      return { path, text: `invalid name ${JSON.stringify(String(key))}: ${why}` };
    }
    case 'unrecognized_keys': {
      const [key] = issue.keys;
      const at = path ? `${path}.${key}` : String(key);
      return { path: at, text: `unknown field${issue.keys.length > 1 ? 's ' + issue.keys.join(', ') : ''}` };
    }
    case 'invalid_union':
      return { path, text: issue.message };
    default:
      return { path, text: issue.message };
  }
}

/** Formats every issue on its own line, most specific first as zod reports them. */
export function formatZodError(error: z.ZodError, input?: unknown): string {
  return error.issues
    .map((issue) => {
      const { path, text } = describe(issue, input);
      return path ? `${path}: ${text}` : text;
    })
    .join('\n');
}

/** Parses or throws a CompartmentError whose field is the first failing path. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  code: ErrorCode = 'INVALID_ARGUMENT',
  prefix = '',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const field = first ? describe(first, value).path : undefined;
  // A request field over its size limit is TOO_LARGE (still naming the field); a config file stays CONFIG_INVALID.
  if (code === 'INVALID_ARGUMENT' && first && isTooLarge(first)) code = 'TOO_LARGE';
  const message = formatZodError(result.error, value)
    .split('\n')
    .map((line) => (prefix ? `${prefix}${line}` : line))
    .join('\n');
  return throwError(new CompartmentError(code, message, field ? prefix + field : undefined));
}

function isTooLarge(issue: z.core.$ZodIssue): boolean {
  return (
    (issue.code === 'too_big' && issue.origin !== 'number' && issue.origin !== 'int') ||
    issue.message.startsWith('too large')
  );
}

function throwError(error: Error): never {
  throw error;
}
