// Every file of the API reference, by repository path, as text: what `npm run api-docs` writes and the staleness test compares.
import { apiMarkdown } from './api-markdown.js';
import { schemaFiles } from './api-schemas.js';

export function apiReference(): Map<string, string> {
  const schemas = schemaFiles();
  const out = new Map<string, string>([['docs/api.md', apiMarkdown(schemas)]]);
  for (const [name, schema] of schemas) out.set(`docs/api/${name}`, JSON.stringify(schema, null, 2) + '\n');
  return out;
}
