// `compartment init`'s detection and template: what each kind of directory gets, and that it is a valid compartment.yaml.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseProjectConfig } from '../../../protocol/index.js';
import { detect, serviceName } from '../init-detect.js';
import { initTemplate } from '../init-template.js';

function dir(files: Record<string, string>): string {
  const path = mkdtempSync(join(tmpdir(), 'My_Dir.'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text);
  return path;
}
const config = (path: string) => {
  const found = detect(path);
  rmSync(path, { recursive: true });
  assert.ok(found);
  return parseProjectConfig(parse(initTemplate(found)));
};

test('a Dockerfile gives a docker service on its EXPOSE port (else 8080), ready on /', () => {
  const c = config(dir({ Dockerfile: 'FROM busybox\nexpose 3000/tcp\n', 'package.json': '{"scripts":{"start":"x"}}' }));
  const [name, s] = Object.entries(c.services)[0]!;
  assert.match(name, /^my-dir-/);
  assert.equal([s.runtime, s.port, s.readiness?.path, s.dockerfile], ['docker', 3000, '/', 'Dockerfile']);
  const plain = config(dir({ Dockerfile: 'FROM busybox\n' }));
  assert.is(Object.values(plain.services)[0]!.port, 8080);
});

test('a package.json start script gives a process service `npm start`, ready on /, built when it has a build or dependencies', () => {
  const bare = config(dir({ 'package.json': '{"name":"@acme/Shop","scripts":{"start":"node server.js"}}' }));
  assert.equal(
    bare.services.shop && [
      bare.services.shop.runtime,
      bare.services.shop.start,
      bare.services.shop.readiness?.path,
      bare.services.shop.build,
    ],
    ['process', 'npm start', '/', undefined],
  );
  const built = config(
    dir({
      'package.json': '{"name":"shop","scripts":{"start":"node dist/x.js","build":"tsc"}}',
      'package-lock.json': '{}',
    }),
  );
  assert.is(built.services.shop!.build, 'npm ci && npm run build');
  const deps = config(
    dir({ 'package.json': '{"name":"shop","scripts":{"start":"node x.js"},"dependencies":{"a":"1"}}' }),
  );
  assert.is(deps.services.shop!.build, 'npm install --omit=dev');
});

test('nothing to start (no Dockerfile, no start script, broken or over 1 MiB package.json) detects nothing', () => {
  const huge = JSON.stringify({ scripts: { start: 'node x.js' }, padding: 'x'.repeat(1024 * 1024) });
  for (const files of [
    {} as Record<string, string>,
    { 'package.json': '{"scripts":{"test":"x"}}' },
    { 'package.json': '{not json' },
    { 'package.json': huge },
  ]) {
    const path = dir(files);
    assert.is(detect(path), null);
    rmSync(path, { recursive: true });
  }
});

test('service names are made valid: lowercase, dashes, starting with a letter', () => {
  assert.is(serviceName('@scope/My_Web.App'), 'my-web-app');
  assert.is(serviceName('123'), 'app');
  assert.is(serviceName('9lives-'), 'lives');
});

test.run();
