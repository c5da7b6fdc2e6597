// Unit tests of the edge router with a fake route store and fake edges: the switch, a lost race, the drain, upstreams.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CompartmentError,
  type DeploymentRecord,
  type EdgeState,
  type RouteRecord,
} from '../../../../packages/protocol/index.js';
import type { DeploymentSpec, WorkloadRef } from '../../../../machines/deployment/index.js';
import { EdgeRouter, type RouterDeps } from '../edge.router.js';

const ENV = 'production';
const SERVICE = 'web';
const KEY = `route.${ENV}.${SERVICE}`;

const spec = (id: string, extra: Partial<DeploymentSpec> = {}) =>
  ({ id, environmentName: ENV, serviceName: SERVICE, serviceType: 'web', ...extra }) as DeploymentSpec;
const workload = (port: number): WorkloadRef => ({
  driver: 'process',
  ref: `r${port}`,
  host: '10.0.0.1',
  port,
  nodeId: 'n1',
});

/** An in-memory route bucket with the store's compare-and-swap; `loseNext` makes the next writes lose a race. */
class FakeRoutes {
  route: RouteRecord | null = null;
  revision = 0;
  loseNext = 0;
  writes: RouteRecord[] = [];

  async get() {
    return this.route ? { key: KEY, revision: this.revision, route: this.route } : null;
  }
  async put(route: RouteRecord, expected: number | null) {
    if (this.loseNext > 0) {
      this.loseNext -= 1;
      this.revision += 1; // another writer moved the route on
      throw new CompartmentError('CONFLICT', 'lost');
    }
    if ((expected ?? 0) !== (this.route ? this.revision : 0)) throw new CompartmentError('CONFLICT', 'moved');
    this.route = route;
    this.revision += 1;
    this.writes.push(route);
    return this.revision;
  }
  async claimPort() {
    return 8001;
  }
}

/** One edge that has applied whatever the fake store holds, with `inFlight` requests on `busy`. */
function edgeOf(routes: FakeRoutes, inFlight: Record<string, number> = {}): EdgeState {
  return {
    edgeId: 'e1',
    refreshMs: 1,
    routes: [{ key: KEY, port: 8001, deploymentId: routes.route?.deploymentId ?? null, revision: routes.revision }],
    inFlight: Object.entries(inFlight).map(([deploymentId, count]) => ({ deploymentId, count })),
    at: new Date().toISOString(),
  } as EdgeState;
}

function routerWith(routes: FakeRoutes, edges: () => EdgeState[], records: Record<string, DeploymentRecord> = {}) {
  const events: string[] = [];
  const deps: RouterDeps = {
    routes,
    edgeStates: async () => edges(),
    routePorts: [8001, 8002],
    recordOf: async (id) => records[id] ?? null,
    workloadOf: async (id) => (id === 'dep_old' ? workload(4000) : null),
    expectedEdges: () => 1,
    event: (_spec, text) => void events.push(text),
  };
  return { router: new EdgeRouter(deps), events };
}

test('a switch writes the whole set to the route, names the previous deployment, and waits for the edge', async () => {
  const routes = new FakeRoutes();
  routes.route = {
    environmentName: ENV,
    serviceName: SERVICE,
    port: 8001,
    deploymentId: 'dep_old',
    upstreams: [],
    previousId: null,
    updatedAt: new Date().toISOString(),
    domains: ['example.com'],
  };
  routes.revision = 3;
  const { router, events } = routerWith(routes, () => [edgeOf(routes)]);
  const result = await router.switchTo(spec('dep_new'), [workload(5000), workload(5001)]);
  assert.equal(result.previous, { id: 'dep_old', workload: workload(4000) });
  assert.is(routes.route?.deploymentId, 'dep_new');
  assert.equal(routes.route?.upstreams, [
    { host: '10.0.0.1', port: 5000, nodeId: 'n1' },
    { host: '10.0.0.1', port: 5001, nodeId: 'n1' },
  ]);
  assert.equal(routes.route?.domains, ['example.com'], 'a switch keeps the route its domains');
  assert.equal(events, [], 'the edge confirmed: nothing to report');
});

test('a lost compare-and-swap reads the route again and writes on the new revision', async () => {
  const routes = new FakeRoutes();
  routes.loseNext = 2;
  const { router } = routerWith(routes, () => [edgeOf(routes)]);
  await router.switchTo(spec('dep_new'), [workload(5000)]);
  assert.is(routes.writes.length, 1);
  assert.is(routes.route?.deploymentId, 'dep_new');
});

test('a re-placement whose deployment no longer holds the route is refused', async () => {
  const routes = new FakeRoutes();
  const { router } = routerWith(routes, () => [edgeOf(routes)]);
  await router.switchTo(spec('dep_other'), [workload(5000)]);
  try {
    await router.switchTo(spec('dep_copy', { replaces: 'dep_lost' }), [workload(5001)]);
    assert.unreachable('the switch should be refused');
  } catch (error) {
    assert.instance(error, CompartmentError);
    assert.is((error as CompartmentError).code, 'CONFLICT');
  }
});

/** Switches to dep_new from dep_old, then drains dep_old while the edge reports `inFlight()` requests on it. */
async function drainWith(inFlight: () => number, timeoutMs: number) {
  const routes = new FakeRoutes();
  const { router } = routerWith(routes, () => [edgeOf(routes, { dep_old: inFlight() })]);
  await router.switchTo(spec('dep_new'), [workload(5000)]);
  return router.drain(spec('dep_new'), { id: 'dep_old', workload: null }, timeoutMs);
}

test('the drain waits while an edge reports requests in flight, and ends once none are', async () => {
  let left = 2;
  const result = await drainWith(() => (left > 0 ? left-- : 0), 60_000);
  assert.equal([result.drained, result.inFlight], [true, 0]);
});

test('a drain that times out says how many requests were still in flight', async () => {
  const result = await drainWith(() => 1, 30);
  assert.equal([result.drained, result.inFlight], [false, 1]);
});

test("the drain refuses while an edge's DNS answers may still name the previous deployment, whatever its in-flight count", async () => {
  const routes = new FakeRoutes();
  // The edge's evidence: the previous deployment held for a few more polls, then whatever the old responder answered.
  const retiring = [
    [{ deploymentId: 'dep_old', heldForMs: 5 }],
    [{ deploymentId: 'dep_old', heldForMs: 1 }],
    [{ deploymentId: null, heldForMs: 1 }],
    [{ deploymentId: 'dep_other', heldForMs: 500 }],
  ];
  let polls = 0;
  const { router } = routerWith(routes, () => [{ ...edgeOf(routes), retiring: retiring[polls++] ?? [] }]);
  await router.switchTo(spec('dep_new'), [workload(5000)]);
  polls = 0;
  const result = await router.drain(spec('dep_new'), { id: 'dep_old', workload: null }, 60_000);
  assert.equal([result.drained, result.inFlight], [true, 0]);
  assert.is(polls, 4, 'drained on the first poll that no longer holds it (another deployment held is not its concern)');
});

test('a drain that times out while an edge still holds the previous deployment is not drained', async () => {
  const routes = new FakeRoutes();
  const held = { deploymentId: 'dep_old', heldForMs: 10 };
  const { router } = routerWith(routes, () => [{ ...edgeOf(routes), retiring: [held] }]);
  await router.switchTo(spec('dep_new'), [workload(5000)]);
  const result = await router.drain(spec('dep_new'), { id: 'dep_old', workload: null }, 30);
  assert.equal([result.drained, result.inFlight], [false, 0]);
});

test('upstreams are rewritten only while the route still points at the deployment', async () => {
  const routes = new FakeRoutes();
  const { router } = routerWith(routes, () => [edgeOf(routes)]);
  await router.switchTo(spec('dep_new'), [workload(5000)]);
  assert.is(await router.setUpstreams(spec('dep_new'), [workload(5000), workload(5002)]), true);
  assert.is(routes.route?.upstreams.length, 2);
  assert.is(await router.setUpstreams(spec('dep_elsewhere'), [workload(6000)]), false);
  assert.is(routes.route?.upstreams.length, 2);
});

test("a worker's switch records its deployment with no port and waits for no edge", async () => {
  const routes = new FakeRoutes();
  const { router } = routerWith(routes, () => [{ ...edgeOf(routes), routes: [] }]);
  const worker = await router.switchTo(spec('dep_worker', { serviceType: 'worker' }), [workload(5000)]);
  assert.is(worker.previous, null);
  assert.is(routes.route?.port, null);
});

test.run();
