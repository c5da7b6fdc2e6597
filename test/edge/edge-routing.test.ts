// Real Caddy + our DNS responder: routes reach the table's upstream, switch without reloads, and report in-flight requests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { upstreamName } from '../../packages/edge/index.js';
import { startTestEdge, type TestEdge } from '../harness/caddy.js';
import { waitFor } from '../harness/wait.js';
import { startBackend, get, closeClients, type Backend } from './http-backend.js';

let edge: TestEdge;
let a: Backend;
let b: Backend;
let logStart = 0;
const A_ID = 'deploya1';
const B_ID = 'deployb2';
const revisions = new Map<number, number>();

function route(port: number, to: Backend | null) {
  const revision = (revisions.get(port) ?? 0) + 1;
  revisions.set(port, revision);
  const deploymentId = to === null ? null : to === a ? A_ID : B_ID;
  edge.table.set({ port, deploymentId, upstreams: to ? [{ host: '127.0.0.1', port: to.port }] : [], revision });
}

test.before(async () => {
  edge = await startTestEdge({ routeCount: 4 });
  a = await startBackend('A');
  b = await startBackend('B');
  logStart = readFileSync(edge.keeper.logPath, 'utf8').length;
});

test.after(async () => {
  closeClients();
  await edge?.close();
  await a?.close();
  await b?.close();
});

test('a route reaches A, and B within a bounded time after the table switches', async () => {
  const port = edge.routePorts[0];
  route(port, a);
  assert.equal(await get(port), { status: 200, body: 'A' });
  route(port, b);
  // Bounded by many refresh intervals (20 ms each): this is a correctness bound, not a speed measurement.
  await waitFor('the route to answer B', async () => (await get(port)).body === 'B', 2_000, 5);
  for (let i = 0; i < 20; i++)
    assert.equal(await get(port), { status: 200, body: 'B' }, `request ${i} after the switch`);
});

test('an unknown route port answers 503 at once instead of hanging', async () => {
  const reply = await get(edge.routePorts[1], '/', { timeoutMs: 5_000, fresh: true });
  assert.ok(reply.status === 502 || reply.status === 503, `status ${reply.status}`);
  route(edge.routePorts[1], null);
  const empty = await get(edge.routePorts[1], '/', { timeoutMs: 5_000, fresh: true });
  assert.is(empty.status, 503, 'a route with no upstreams yet');
});

test('a long request on A finishes with 200 across a switch to B; in-flight shows it, then drains to 0', async () => {
  const port = edge.routePorts[2];
  route(port, a);
  assert.is((await get(port)).body, 'A');
  const slow = get(port, '/slow?ms=3000', { fresh: true });
  await waitFor(
    'the slow request in flight on A',
    async () => (await edge.keeper.admin.inFlight(upstreamName(A_ID), a.port)) >= 1,
    2_000,
    20,
  );
  route(port, b);
  await waitFor('the route to answer B', async () => (await get(port)).body === 'B', 2_000, 5);
  assert.ok(
    (await edge.keeper.admin.inFlight(upstreamName(A_ID), a.port)) >= 1,
    'A still has the slow request after the switch',
  );
  assert.ok((await edge.keeper.admin.inFlightOf(A_ID)) >= 1, 'inFlightOf(A) agrees');
  assert.equal(await slow, { status: 200, body: 'A' });
  // The agent's drain (edge.router) reads these counts through the edges' state; here Caddy's own answer drains to 0.
  await waitFor('A to drain', async () => (await edge.keeper.admin.inFlightOf(A_ID)) === 0, 10_000, 20);
  assert.is(await edge.keeper.admin.inFlight(upstreamName(A_ID), a.port), 0);
  assert.is(await edge.keeper.admin.inFlightOf(A_ID), 0);
});

test("switches and new routes never change Caddy's config (no reload)", async () => {
  const before = await edge.keeper.admin.config();
  assert.equal(before, JSON.parse(JSON.stringify(edge.config)), 'Caddy runs exactly the built config');
  for (let i = 0; i < 10; i++) route(edge.routePorts[3], i % 2 === 0 ? a : b);
  await waitFor('the last switch (B) to be served', async () => (await get(edge.routePorts[3])).body === 'B', 2_000, 5);
  assert.equal(await edge.keeper.admin.config(), before);
  const log = readFileSync(edge.keeper.logPath, 'utf8').slice(logStart);
  const changes = log
    .split('\n')
    .filter((l) => /"method":"(POST|PUT|PATCH|DELETE)"/.test(l) || l.includes('load complete'));
  assert.equal(changes, [], 'no admin change and no config load after start');
  assert.is(edge.keeper.restarts(), 0);
});

test.run();
