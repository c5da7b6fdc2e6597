// The keeper against a real Caddy: restarts after SIGKILL, and adopts a Caddy left running by a keeper that died.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompartmentError } from '../../packages/protocol/index.js';
import {
  RouteTable,
  startDnsResponder,
  buildCaddyConfig,
  startCaddyKeeper,
  caddyAdmin,
  adminUrlOf,
  type DnsResponder,
  type KeeperEvent,
} from '../../packages/edge/index.js';
import { isAlive } from '../../packages/edge/caddy-process.js';
import {
  startTestEdge,
  adminSocketIn,
  killOnExit,
  killQuietly,
  removeOnExit,
  type TestEdge,
} from '../harness/caddy.js';
import { freePortRange } from '../harness/ports.js';
import { tempDir } from '../harness/tmp.js';
import { waitFor } from '../harness/wait.js';
import { startBackend, get, closeClients, type Backend } from './http-backend.js';

let a: Backend;
let b: Backend;
const cleanups: Array<() => Promise<void> | void> = [];

test.before(async () => {
  a = await startBackend('A');
  b = await startBackend('B');
});

test.after(async () => {
  closeClients();
  for (const cleanup of cleanups.reverse()) await cleanup();
  await a?.close();
  await b?.close();
});

const answers = (port: number, body: string) => async () =>
  (await get(port, '/', { fresh: true, timeoutMs: 2_000 }).catch(() => null))?.body === body;

test('a SIGKILLed Caddy is restarted and serves the current upstream again', async () => {
  const events: KeeperEvent[] = [];
  const edge: TestEdge = await startTestEdge({
    routeCount: 1,
    keeper: { backoff: { initialMs: 100 }, onEvent: (e) => events.push(e) },
  });
  cleanups.push(() => edge.close());
  const port = edge.routePorts[0];
  edge.table.set({ port, deploymentId: 'deploya1', upstreams: [{ host: '127.0.0.1', port: a.port }], revision: 1 });
  await waitFor('A through the first Caddy', answers(port, 'A'));
  const first = edge.keeper.pid()!;
  process.kill(first, 'SIGKILL');
  // The switch happens while Caddy is down: the restarted one must learn it from the responder alone.
  edge.table.set({ port, deploymentId: 'deployb2', upstreams: [{ host: '127.0.0.1', port: b.port }], revision: 2 });
  await waitFor('B through the restarted Caddy', answers(port, 'B'), 10_000);
  assert.is.not(edge.keeper.pid(), first);
  assert.is(edge.keeper.restarts(), 1);
  assert.equal(await edge.keeper.admin.config(), JSON.parse(JSON.stringify(edge.config)));
  process.kill(edge.keeper.pid()!, 'SIGKILL');
  await waitFor('the second restart', () => edge.keeper.restarts() === 2 && edge.keeper.pid() !== null);
  await waitFor('B again', answers(port, 'B'), 10_000);
  const delays = events.filter((e) => e.type === 'restart-scheduled').map((e) => (e as { inMs: number }).inMs);
  assert.equal(delays, [100, 200], 'a Caddy that keeps dying is restarted with growing delays');
});

/** A data plane (table + responder) in this process and a keeper in a child process we can SIGKILL. */
async function keeperInChild(
  routePorts: number[],
  adminSocket: string,
  dns: DnsResponder,
  dataDir: string,
  refreshMs: number,
) {
  const config = buildCaddyConfig({
    admin: { socket: adminSocket },
    routePorts,
    resolver: { host: dns.host, port: dns.port },
    dataDir,
    refreshMs,
  });
  const input = join(dataDir, 'input.json');
  writeFileSync(input, JSON.stringify({ config, dataDir }));
  const script = fileURLToPath(new URL('./keeper-process.js', import.meta.url));
  const child = spawn(process.execPath, [script, input], { stdio: ['ignore', 'pipe', 'inherit'] });
  killOnExit(() => child.pid ?? null);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const caddyPid = Number(await waitFor('the child keeper to be ready', () => /ready (\d+)/.exec(out)?.[1], 15_000));
  killOnExit(() => (isAlive(caddyPid) ? caddyPid : null));
  return { config, child, caddyPid };
}

async function dataPlane() {
  const table = new RouteTable();
  const dns = await startDnsResponder({ table });
  const dir = tempDir('compartment-keeper-');
  removeOnExit(dir.remove);
  cleanups.push(async () => {
    await dns.close();
    dir.remove();
  });
  return { table, dns, dir: dir.path, routePorts: await freePortRange(1), adminSocket: adminSocketIn(dir.path) };
}

test('Caddy outlives its keeper; the next keeper adopts it, then restarts it when it dies', async () => {
  const plane = await dataPlane();
  const port = plane.routePorts[0];
  plane.table.set({ port, deploymentId: 'deploya1', upstreams: [{ host: '127.0.0.1', port: a.port }], revision: 1 });
  const { config, child, caddyPid } = await keeperInChild(
    plane.routePorts,
    plane.adminSocket,
    plane.dns,
    plane.dir,
    20,
  );
  await waitFor('A through the child keeper’s Caddy', answers(port, 'A'));

  child.kill('SIGKILL');
  await waitFor('the child keeper to die', () => child.exitCode !== null || child.signalCode !== null);
  plane.table.set({ port, deploymentId: 'deployb2', upstreams: [{ host: '127.0.0.1', port: b.port }], revision: 2 });
  await waitFor('B with no keeper alive', answers(port, 'B'));
  assert.ok(isAlive(caddyPid), 'Caddy is still the same process');

  const events: KeeperEvent[] = [];
  const keeper = await startCaddyKeeper({
    config,
    dataDir: plane.dir,
    backoff: { initialMs: 100 },
    watchMs: 100,
    onEvent: (e) => events.push(e),
  });
  cleanups.push(() => keeper.stop());
  assert.ok(keeper.adopted(), 'adopted instead of starting a second Caddy');
  assert.is(keeper.pid(), caddyPid);
  assert.equal(events[0], { type: 'adopted', pid: caddyPid, reloaded: false });

  process.kill(caddyPid, 'SIGKILL');
  await waitFor('B through the Caddy the keeper started after the adopted one died', answers(port, 'B'), 10_000);
  assert.not.ok(keeper.adopted());
  assert.ok(keeper.pid() !== null && keeper.pid() !== caddyPid);
  const own = keeper.pid()!;
  await keeper.stop();
  assert.not.ok(isAlive(own), 'stop() ends the Caddy it started');
});

test('adopting a Caddy that runs another config loads ours once, and stop() ends the adopted Caddy', async () => {
  const plane = await dataPlane();
  const port = plane.routePorts[0];
  plane.table.set({ port, deploymentId: 'deploya1', upstreams: [{ host: '127.0.0.1', port: a.port }], revision: 1 });
  const { child, caddyPid } = await keeperInChild(plane.routePorts, plane.adminSocket, plane.dns, plane.dir, 25);
  child.kill('SIGKILL');
  const config = buildCaddyConfig({
    admin: { socket: plane.adminSocket },
    routePorts: plane.routePorts,
    resolver: { host: plane.dns.host, port: plane.dns.port },
    dataDir: plane.dir,
    refreshMs: 15,
  });
  const keeper = await startCaddyKeeper({ config, dataDir: plane.dir });
  cleanups.push(() => keeper.stop());
  assert.ok(keeper.adopted());
  assert.equal(
    await keeper.admin.config(),
    JSON.parse(JSON.stringify(config)),
    'the adopted Caddy now runs our config',
  );
  await waitFor('A through the adopted, reloaded Caddy', answers(port, 'A'));
  await keeper.stop();
  await waitFor('the adopted Caddy to exit', () => !isAlive(caddyPid), 5_000);
  killQuietly(caddyPid);
});

test('a Caddy that cannot start is reported with its log, not retried forever; a missing binary too', async () => {
  const plane = await dataPlane();
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(plane.routePorts[0], '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => blocker.close(() => r())));
  const config = buildCaddyConfig({
    admin: { socket: plane.adminSocket },
    routePorts: plane.routePorts,
    resolver: { host: plane.dns.host, port: plane.dns.port },
    dataDir: plane.dir,
  });
  const failure = await startCaddyKeeper({ config, dataDir: plane.dir }).then(
    () => null,
    (error: unknown) => error,
  );
  assert.instance(failure, CompartmentError);
  assert.match((failure as Error).message, /address already in use/);
  assert.not.ok(await caddyAdmin(adminUrlOf(config)).ping(), 'nothing left answering on the admin socket');
  const missing = await startCaddyKeeper({ config, dataDir: plane.dir, caddyBin: '/nonexistent/caddy' }).then(
    () => null,
    (error: unknown) => error,
  );
  assert.match((missing as Error).message, /could not be spawned/);
});

test.run();
