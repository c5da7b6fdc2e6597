// TLS with a throwaway CA and authenticated cluster routes, on real nats-servers configured as `up` configures them.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { natsConfigText } from '../../packages/cli/supervisor/nats-config.js';
import { startNatsCluster, startNatsServer, type NatsCluster, type NatsServer } from '../harness/nats-server.js';
import { makeThrowawayCa, type ThrowawayCa } from '../harness/throwaway-ca.js';
import { freePort } from '../harness/ports.js';
import { tempDir } from '../harness/tmp.js';

let ca: ThrowawayCa;
let other: ThrowawayCa;
let server: NatsServer;
let cluster: NatsCluster;

const routes = async (monitorPort: number) =>
  ((await (await fetch(`http://127.0.0.1:${monitorPort}/routez`)).json()) as { num_routes: number }).num_routes;

test.before(async () => {
  ca = makeThrowawayCa();
  other = makeThrowawayCa('some-other-ca');
  const tls = { cert: ca.cert, key: ca.key, ca: ca.ca };
  server = await startNatsServer('tls', { auth: { tls } });
  cluster = await startNatsCluster(3, { auth: { tls } });
});

test.after(async () => {
  await server?.dispose();
  await cluster?.dispose();
  ca?.remove();
  other?.remove();
});

test('TLS: a client with the CA (and its credentials) connects; without the CA, or with another CA, it is refused', async () => {
  const nc = await connect({ servers: server.url, ...server.auth!.options('cli'), maxReconnectAttempts: 0 });
  assert.ok(nc.info?.tls_required, 'the server requires TLS');
  await nc.flush();
  await nc.close();
  const creds = server.auth!.options('cli');
  delete creds.tls;
  for (const [what, tls] of [
    ['no CA', {}],
    ['another CA', { tls: { caFile: other.ca } }],
  ] as const) {
    const error = await connect({ servers: server.url, ...creds, ...tls, maxReconnectAttempts: 0, timeout: 3000 }).then(
      (c) => (void c.close(), null),
      (e: Error) => e,
    );
    assert.ok(error, `${what}: refused`);
    assert.match(
      `${error!.message} ${(error as Error & { cause?: Error }).cause?.message ?? ''}`,
      /certificate|self.signed|TLS|issuer/i,
      `${what}: ${error!.message}`,
    );
  }
});

test('cluster routes authenticate over TLS: three members each see two routes', async () => {
  for (const s of cluster.servers) assert.is(await routes(s.monitorPort), 2, s.name);
  const nc = await connect({
    servers: cluster.urls[2]!,
    ...cluster.servers[0]!.auth!.options('node'),
    maxReconnectAttempts: 0,
  });
  const sub = nc.subscribe('compartment.api.status', { callback: (_e, m) => void m.respond('"pong"') });
  await nc.flush();
  const client = await connect({
    servers: cluster.urls[0]!,
    ...cluster.servers[0]!.auth!.options('cli'),
    maxReconnectAttempts: 0,
  });
  assert.is(
    (await client.request('compartment.api.status', '', { timeout: 3000 })).json(),
    'pong',
    'a request crosses the routes',
  );
  sub.unsubscribe();
  await Promise.all([nc.close(), client.close()]);
});

test('a server whose route password is wrong does not join', async () => {
  const dir = tempDir('nats-intruder-');
  const [first] = cluster.servers;
  const auth = first!.auth!;
  const port = await freePort();
  const monitorPort = await freePort();
  const config = natsConfigText({
    serverName: 'intruder',
    port,
    monitorPort,
    storeDir: join(dir.path, 'store'),
    tls: auth.tls!,
    credentials: { ...auth.credentials, route: { user: auth.credentials.route.user, password: 'wrong-password' } },
    cluster: { name: `c${process.pid}`, port: await freePort(), routes: [first!.clusterPort!] },
  });
  writeFileSync(join(dir.path, 'nats.conf'), config);
  const intruder = spawn('nats-server', ['-c', join(dir.path, 'nats.conf')], { stdio: 'ignore' });
  try {
    await sleep(3000);
    assert.is(await routes(monitorPort), 0, 'the intruder has no route');
    for (const s of cluster.servers)
      assert.is(await routes(s.monitorPort), 2, `${s.name} still has only its two peers`);
    if (process.env.SHOW_ROUTE_LOG) console.log(first!.output());
    assert.match(first!.output(), /Router connection closed: Authentication Failure/, 'the member refused the route');
  } finally {
    intruder.kill('SIGKILL');
    dir.remove();
  }
});

test.run();
