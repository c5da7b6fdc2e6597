// Renders a JSON Schema object's fields as a Markdown table: dotted names for nested fields, type with its bounds, required, default.
import type { JsonSchema } from './api-schemas.js';
import { shapeKey } from './api-schemas.js';

const code = (s: string) => '`' + s.replace(/\|/g, '\\|') + '`';
/** zod's `int()` bounds are the safe-integer range: not worth a column. */
const SAFE = Number.MAX_SAFE_INTEGER;

/** Schemas with a section of their own, by shape: a field of that shape links there instead of being expanded. */
export type Named = Map<string, string>;

const objectWithFields = (s: JsonSchema | undefined) => s?.type === 'object' && s.properties !== undefined;

/** A short type: `"a"`, `"b"`, `string ^…$`, `integer 1–65535`, `object[]`; the JSON Schema file has the rest. */
export function typeText(s: JsonSchema, named: Named = new Map()): string {
  const name = named.get(shapeKey(s));
  if (name) return name;
  if (Array.isArray(s.anyOf)) return (s.anyOf as JsonSchema[]).map((x) => typeText(x, named)).join(' or ');
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => code(JSON.stringify(v))).join(', ');
  if (Array.isArray(s.type)) return (s.type as string[]).join(' or ');
  const lo = (v: unknown) => (v === -SAFE ? undefined : v);
  const hi = (v: unknown) => (v === SAFE ? undefined : v);
  const bounds = (min: unknown, max: unknown) => {
    const [a, b] = [lo(min), hi(max)];
    return a !== undefined && b !== undefined
      ? ` ${a}–${b}`
      : a !== undefined
        ? ` ≥ ${a}`
        : b !== undefined
          ? ` ≤ ${b}`
          : '';
  };
  switch (s.type) {
    case 'array': {
      const item = typeText((s.items as JsonSchema) ?? {}, named);
      return `${item.includes(' or ') ? `(${item})` : item}[]${bounds(s.minItems, s.maxItems)}`;
    }
    case 'string':
      if (s.format) return `string (${s.format})`;
      if (s.pattern) return `string ${code(String(s.pattern))}`;
      return `string${bounds(s.minLength, s.maxLength)}`;
    case 'integer':
    case 'number':
      if (s.exclusiveMinimum !== undefined)
        return `${s.type} > ${s.exclusiveMinimum}${hi(s.maximum) === undefined ? '' : `, ≤ ${s.maximum}`}`;
      return `${s.type}${bounds(s.minimum, s.maximum)}`;
    case 'object':
      return s.properties || !s.additionalProperties
        ? 'object'
        : `map of ${typeText(s.additionalProperties as JsonSchema, named)}`;
    default:
      return s.type ? String(s.type) : 'any';
  }
}

function rows(s: JsonSchema, named: Named, prefix: string, depth: number): string[] {
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).flatMap(([name, p]) => {
    const dflt = p.default === undefined ? '' : code(JSON.stringify(p.default));
    const row = `| ${code(prefix + name)} | ${typeText(p, named)} | ${required.has(name) ? 'yes' : ''} | ${dflt} |`;
    if (depth <= 0 || named.has(shapeKey(p))) return [row];
    const items = p.type === 'array' ? (p.items as JsonSchema | undefined) : undefined;
    if (objectWithFields(p)) return [row, ...rows(p, named, `${prefix}${name}.`, depth - 1)];
    if (objectWithFields(items) && !named.has(shapeKey(items!)))
      return [row, ...rows(items!, named, `${prefix}${name}[].`, depth - 1)];
    return [row];
  });
}

export function fieldTable(s: JsonSchema, named: Named = new Map(), depth = 2): string {
  const body = rows(s, named, '', depth);
  if (body.length === 0) return '(no fields)\n';
  return ['| field | type | required | default |', '|---|---|---|---|', ...body, ''].join('\n');
}
