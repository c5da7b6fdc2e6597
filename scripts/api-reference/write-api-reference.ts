// `npm run api-docs`: writes docs/api.md and docs/api/*.schema.json from the protocol's schemas, removing stale schema files.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiReference } from './api-reference.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const files = apiReference();
mkdirSync(join(root, 'docs/api'), { recursive: true });
for (const name of readdirSync(join(root, 'docs/api')))
  if (!files.has(`docs/api/${name}`)) rmSync(join(root, 'docs/api', name));
for (const [path, text] of files) writeFileSync(join(root, path), text);
console.log(`wrote ${files.size} files: docs/api.md and docs/api/*.schema.json`);
