// The edge's route cache: kept whole, trusted only while its edge heartbeat recently, never an error when unusable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRouteCache, touchRouteCache, writeRouteCache } from '../route-cache.js';
import type { RouteRecord } from '../../../packages/protocol/index.js';

const dir = mkdtempSync(join(tmpdir(), 'route-cache-'));
const file = join(dir, 'routes.cache.json');
test.after(() => rmSync(dir, { recursive: true, force: true }));

const route: RouteRecord = {
  environmentName: 'production',
  serviceName: 'web',
  port: 8100,
  deploymentId: 'abc123def456',
  upstreams: [{ host: '127.0.0.1', port: 41000, nodeId: 'node-1' }],
  previousId: null,
  updatedAt: new Date().toISOString(),
};

test('written routes come back while the file is fresh, and not once it is older than the window', () => {
  writeRouteCache(file, [{ key: 'route.production.web', revision: 7, route }]);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const [back] = readRouteCache(file, 4_000);
  assert.equal([back?.key, back?.revision, back?.route.port], ['route.production.web', 7, 8100]);
  const mtime = statSync(file).mtimeMs;
  assert.equal(readRouteCache(file, 4_000, mtime + 4_001), []);
  touchRouteCache(file, new Date(mtime + 10_000));
  assert.is(readRouteCache(file, 4_000, mtime + 12_000).length, 1, 'a heartbeat vouches for it again');
});

test('a missing, truncated or hostile file is an empty cache', () => {
  assert.equal(readRouteCache(join(dir, 'absent.json'), 4_000), []);
  writeFileSync(file, '[{"key": "route.production.web", "revision": 1, "route": {"port": "not a number"');
  assert.equal(readRouteCache(file, 4_000), []);
  writeFileSync(file, JSON.stringify([{ key: 'k', revision: -1, route }]));
  assert.equal(readRouteCache(file, 4_000), []);
  touchRouteCache(join(dir, 'absent.json'));
});

test.run();
