// The drain's evidence with a real Caddy under load: each old backend stops once nothing can reach it; none fails.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestEdge, type TestEdge } from '../harness/caddy.js';
import { sleep, waitFor } from '../harness/wait.js';
import { startBackend, get, closeClients, type Backend } from './http-backend.js';
import { EDGE_DEFAULTS } from '../../packages/edge/index.js';

const SWITCHES = 6;
const WORKERS = 8;

let edge: TestEdge;
const backends: Backend[] = [];

test.before(async () => {
  edge = await startTestEdge({ routeCount: 1 });
});

test.after(async () => {
  closeClients();
  await edge?.close();
  for (const b of backends) await b.close();
});

test('each old backend stops once the evidence says drained, under load, and no request fails', async () => {
  const port = edge.routePorts[0]!;
  const refreshMs = EDGE_DEFAULTS.refreshMs;
  let revision = 1;
  const point = (b: Backend, id: string) =>
    edge.table.set({ port, deploymentId: id, upstreams: [{ host: '127.0.0.1', port: b.port }], revision: revision++ });
  let current = await startBackend('B0');
  backends.push(current);
  let currentId = 'deploy00';
  point(current, currentId);
  await waitFor('the route to answer', async () => (await get(port)).body === 'B0');

  // Keep-alive clients, one request in five slow enough to be in flight across a switch.
  let running = true;
  const failures: string[] = [];
  let answered = 0;
  const worker = async (w: number) => {
    for (let i = 0; running; i++) {
      const path = (i + w) % 5 === 0 ? '/slow?ms=30' : '/';
      try {
        const r = await get(port, path);
        if (r.status === 200) answered += 1;
        else failures.push(`${r.status} ${r.body.slice(0, 80)}`);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  const load = Array.from({ length: WORKERS }, (_, w) => worker(w));
  try {
    await sleep(300);
    for (let i = 1; i <= SWITCHES; i++) {
      const previous = current;
      const previousId = currentId;
      current = await startBackend(`B${i}`);
      backends.push(current);
      currentId = `deploy${String(i).padStart(2, '0')}`;
      point(current, currentId);
      const held = () => edge.dns.retiring(new Set([currentId]), refreshMs).some((r) => r.deploymentId === previousId);
      // Caddy's last lookup named the previous backend and no lookup has followed it yet: a drain must not end.
      assert.ok(held(), `switch ${i}: the previous deployment is retiring right after the switch`);
      // The agent's rule: not retiring (read first), then nothing in flight in Caddy.
      await waitFor(
        `switch ${i}: the evidence that ${previousId} is drained`,
        async () => !held() && (await edge.keeper.admin.inFlightOf(previousId)) === 0,
        10_000,
        2,
      );
      const hitsAtDrain = previous.hits;
      await previous.close();
      await sleep(refreshMs * 5);
      assert.is(previous.hits, hitsAtDrain, `switch ${i}: no request reached ${previousId} after it drained`);
      assert.ok(current.hits > 0, `switch ${i}: the new backend serves`);
    }
  } finally {
    running = false;
    await Promise.all(load);
  }
  assert.equal(failures, [], 'no request failed');
  assert.ok(answered > SWITCHES * 10, `the load ran (${answered} answered)`);
});

test.run();
