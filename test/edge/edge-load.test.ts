// Zero-loss switching under load: autocannon hammers a route while the table flips between two backends 20 times.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTestEdge, killOnExit, killQuietly, type TestEdge } from '../harness/caddy.js';
import { sleep, waitFor } from '../harness/wait.js';
import { startBackend, get, closeClients, type Backend } from './http-backend.js';

const CONNECTIONS = 50;
const SWITCHES = 20;
const SWITCH_EVERY_MS = 400;
const DURATION_S = Math.ceil((1_000 + SWITCHES * SWITCH_EVERY_MS + 1_000) / 1_000);

let edge: TestEdge;
let a: Backend;
let b: Backend;

test.before(async () => {
  edge = await startTestEdge({ routeCount: 1 });
  a = await startBackend('A');
  b = await startBackend('B');
});

test.after(async () => {
  closeClients();
  await edge?.close();
  await a?.close();
  await b?.close();
});

interface CannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  requests: { total: number; average: number };
}

/** autocannon in its own process, so its load does not share an event loop with the backends or the table. */
function cannon(url: string): { result: Promise<CannonResult>; pid: number | null } {
  const bin = join(dirname(createRequire(import.meta.url).resolve('autocannon')), 'autocannon.js');
  const child = spawn(process.execPath, [bin, '-c', String(CONNECTIONS), '-d', String(DURATION_S), '-j', url], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const unregister = killOnExit(() => child.pid ?? null);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const result = new Promise<CannonResult>((resolve, reject) =>
    child.on('close', (code) => {
      unregister();
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err}`));
      resolve(JSON.parse(out) as CannonResult);
    }),
  );
  return { result, pid: child.pid ?? null };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

test(`${SWITCHES} switches under ${CONNECTIONS} keep-alive connections lose no request`, async () => {
  const port = edge.routePorts[0];
  const ids = new Map([
    [a, 'deploya1'],
    [b, 'deployb2'],
  ]);
  let revision = 1;
  const point = (to: Backend) =>
    edge.table.set({
      port,
      deploymentId: ids.get(to)!,
      upstreams: [{ host: '127.0.0.1', port: to.port }],
      revision: revision++,
    });
  point(a);
  await waitFor('the route to answer A', async () => (await get(port)).body === 'A');

  const run = cannon(`http://127.0.0.1:${port}/`);
  const latencies: number[] = [];
  try {
    await sleep(1_000);
    let target = b;
    for (let i = 0; i < SWITCHES; i++) {
      target.arm();
      const switchedAt = performance.now();
      point(target);
      await sleep(SWITCH_EVERY_MS);
      if (target.firstHitAt !== null) latencies.push(target.firstHitAt - switchedAt);
      target = target === a ? b : a;
    }
  } catch (error) {
    killQuietly(run.pid);
    throw error;
  }
  const result = await run.result;
  const sorted = [...latencies].sort((x, y) => x - y);
  console.log(
    `[edge-load] ${result.requests.total} requests (${result.requests.average} req/s avg), errors ${result.errors}, timeouts ${result.timeouts}, non2xx ${result.non2xx}; ` +
      `hits A ${a.hits} B ${b.hits}; switch latency (table update → first request at the new upstream) ` +
      `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms over ${sorted.length} switches; ` +
      `DNS queries ${JSON.stringify(edge.dns.stats())}`,
  );
  assert.is(result.errors, 0, 'connection errors (resets included)');
  assert.is(result.timeouts, 0, 'timeouts');
  assert.is(result.non2xx, 0, 'non-2xx responses');
  assert.ok(result['2xx'] > 0, 'the load actually ran');
  assert.is(latencies.length, SWITCHES, 'every switch reached its new upstream while the load ran');
  assert.is(edge.keeper.restarts(), 0);
});

test.run();
