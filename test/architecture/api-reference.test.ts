// docs/api.md and docs/api/*.schema.json are what the protocol's schemas generate now: stale files fail here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_VERBS, ERROR_CODES } from '../../packages/protocol/index.js';
import { apiReference } from '../../scripts/api-reference/api-reference.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIX = 'stale: run `npx tsc -p tsconfig.json && npm run api-docs` and commit docs/api.md and docs/api/';
const generated = apiReference();

test('every generated file is on disk with the same text', () => {
  for (const [path, text] of generated) {
    assert.ok(existsSync(join(ROOT, path)), `${path} is missing; ${FIX}`);
    assert.ok(readFileSync(join(ROOT, path), 'utf8') === text, `${path} is ${FIX}`);
  }
});

test('docs/api/ holds no schema the protocol no longer has', () => {
  const extra = readdirSync(join(ROOT, 'docs/api')).filter((name) => !generated.has(`docs/api/${name}`));
  assert.equal(extra, [], FIX);
});

test('the reference names every API subject and every error code, with both schema files of each subject', () => {
  const md = generated.get('docs/api.md')!;
  for (const verb of API_VERBS) {
    assert.ok(md.includes(`### \`compartment.api.${verb}\``), verb);
    for (const kind of ['request', 'reply'])
      assert.ok(generated.has(`docs/api/api.${verb}.${kind}.schema.json`), `${verb} ${kind}`);
  }
  for (const code of Object.keys(ERROR_CODES)) assert.ok(md.includes(`| \`${code}\` |`), code);
  for (const step of ['compartment_sources', 'sha256-', 'putBlob', 'more', '_INBOX_cli'])
    assert.ok(md.includes(step), step);
});

test('a request schema refuses unknown fields (strict), a reply schema accepts them (clients must)', () => {
  const request = JSON.parse(generated.get('docs/api/api.deploy.request.schema.json')!);
  const reply = JSON.parse(generated.get('docs/api/api.deploy.reply.schema.json')!);
  assert.is(request.additionalProperties, false);
  assert.is(reply.anyOf[0].additionalProperties, undefined);
  assert.is(reply.anyOf[0].properties.result.properties.deployments.items.additionalProperties, undefined);
});

test.run();
