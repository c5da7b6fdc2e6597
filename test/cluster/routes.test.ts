// Routes and edge port claims against a real nats-server: CAS writes, the edge watch, stable and unique ports under a race.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RouteStore, type RouteChange } from '../../cluster/index.js';
import { CompartmentError } from '../../packages/protocol/index.js';
import { waitFor } from '../harness/wait.js';
import { route, startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let routes: RouteStore;

test.before(async () => {
  fx = await startFixture();
  routes = await RouteStore.open(fx.conn);
});
test.after(async () => {
  await fx?.dispose();
});

const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof CompartmentError ? e.code : String(e)),
  );

test('put creates with null revision, then only a CAS on the current revision succeeds', async () => {
  const r = route({ serviceName: 'cas' });
  const rev1 = await routes.put(r, null);
  assert.is(await codeOf(routes.put(r, null)), 'CONFLICT');
  const upstream = { host: '127.0.0.1', port: 4001, nodeId: 'n1' };
  const rev2 = await routes.put({ ...r, deploymentId: 'abc123', upstreams: [upstream] }, rev1);
  assert.is(await codeOf(routes.put({ ...r, deploymentId: 'zzz999' }, rev1)), 'CONFLICT');
  const got = await routes.get('production', 'cas');
  assert.is(got?.revision, rev2);
  assert.is(got?.route.deploymentId, 'abc123');
  assert.equal(got?.route.upstreams, [upstream]);
  assert.is(await routes.get('production', 'nosuch'), null);
});

test('watchAll: existing routes first, then each put and delete with its revision; port claims stay out', async () => {
  await routes.put(route({ serviceName: 'pre' }), null);
  const seen: RouteChange[] = [];
  const watcher = routes.watchAll((c) => seen.push(c));
  try {
    await watcher.ready;
    assert.ok(seen.some((c) => c.initial && c.type === 'put' && c.route.serviceName === 'pre'));
    assert.ok(seen.every((c) => c.key.startsWith('route.')));
    // The bucket keeps one value per key: a write made before the watch delivered the previous one would replace it
    // unseen, so each write waits until the watch has shown the one before.
    const delivered = (revision: number) =>
      waitFor(`revision ${revision}`, () => seen.some((c) => c.revision === revision), 5_000);
    const rev = await routes.put(route({ serviceName: 'live' }), null);
    await delivered(rev);
    const rev2 = await routes.put(route({ serviceName: 'live', deploymentId: 'live01' }), rev);
    await delivered(rev2);
    await routes.claimPort('production', 'portonly', [31000, 31001]);
    await routes.remove('production', 'live', rev2);
    await waitFor(
      'delete of live',
      () => seen.some((c) => c.type === 'delete' && c.key === 'route.production.live'),
      5_000,
    );
    const live = seen.filter((c) => c.key === 'route.production.live');
    assert.equal(
      live.map((c) => c.type),
      ['put', 'put', 'delete'],
    );
    assert.equal(
      live.slice(0, 2).map((c) => c.revision),
      [rev, rev2],
    );
    assert.ok(live[2]!.revision > rev2);
    const del = live[2] as Extract<RouteChange, { type: 'delete' }>;
    assert.is(del.environmentName, 'production');
    assert.is(del.serviceName, 'live');
    // claimPort wrote a route (port recorded) but its port.* claim key never shows up here.
    assert.ok(seen.some((c) => c.key === 'route.production.portonly'));
    assert.not.ok(seen.some((c) => c.key.startsWith('port.')));
    assert.ok(watcher.revision >= live[2]!.revision);
  } finally {
    await watcher.stop();
  }
});

test('claimPort is stable per service and records the port on the route, keeping the route', async () => {
  const range = [32000, 32001, 32002];
  await routes.put(route({ serviceName: 'keep', deploymentId: 'keep01' }), null);
  const p1 = await routes.claimPort('production', 'keep', range);
  const p2 = await routes.claimPort('production', 'keep', range);
  assert.is(p1, 32000);
  assert.is(p2, p1);
  const got = await routes.get('production', 'keep');
  assert.is(got?.route.port, p1);
  assert.is(got?.route.deploymentId, 'keep01');
  const other = await routes.claimPort('staging', 'keep', range);
  assert.is(other, 32001);
  assert.is(await routes.claimPort('production', 'keep', [40000]), p1);
});

test('claimPort racing from several nodes: one port per service, never shared', async () => {
  const range = Array.from({ length: 20 }, (_, i) => 33000 + i);
  const nodes = await Promise.all([0, 1, 2, 3].map(async (i) => RouteStore.open(await fx.connect(`node-${i}`))));
  const services = Array.from({ length: 8 }, (_, i) => `race${i}`);
  // Every node claims every service at once: 32 concurrent claims for 8 services.
  const claims = await Promise.all(
    nodes.flatMap((n) => services.map(async (s) => [s, await n.claimPort('production', s, range)] as const)),
  );
  const byService = new Map<string, Set<number>>();
  for (const [s, p] of claims) byService.set(s, (byService.get(s) ?? new Set()).add(p));
  for (const [s, ports] of byService) assert.is(ports.size, 1, `${s} got ${[...ports]}`);
  const ports = [...byService.values()].map((p) => [...p][0]);
  assert.is(new Set(ports).size, services.length);
  for (const s of services) assert.is((await routes.get('production', s))?.route.port, [...byService.get(s)!][0]);
});

test('claimPort with the range used up fails clearly', async () => {
  await routes.claimPort('production', 'full1', [34000]);
  const error = await routes.claimPort('production', 'full2', [34000]).catch((e: unknown) => e);
  assert.instance(error, CompartmentError);
  assert.match((error as Error).message, /no free edge port/);
  assert.is(await codeOf(routes.claimPort('production', 'x', [])), 'INVALID_ARGUMENT');
});

test.run();
