// `npm run arch-docs`: rewrites the generated statechart block of docs/architecture.md after a build.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withStatechart } from './statechart-block.js';

const path = fileURLToPath(new URL('../../../docs/architecture.md', import.meta.url));
const next = withStatechart(readFileSync(path, 'utf8'));
if (next === null) {
  console.error(`${path} has no statechart markers`);
  process.exit(1);
}
writeFileSync(path, next);
console.log(`wrote the statechart block of ${path}`);
