// Stand-in for `compartment edge|node` in the up/down tests: records argv and stops; as `node` it answers `status` and `nodes`.

// The real edge and node agent are not built yet. Run as: node fake-server.js <edge|node> --nats URL ...
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import { connect } from '@nats-io/transport-node';
import { credentialsOptions } from '../../cluster/connection/index.js';

const [name, ...args] = process.argv.slice(2) as [string, ...string[]];
const dir = process.env.FAKE_SERVER_DIR!;
const natsUrl = args[args.indexOf('--nats') + 1]!;
appendFileSync(join(dir, `${name}.starts`), JSON.stringify({ pid: process.pid, argv: process.argv.slice(2) }) + '\n');

// FAKE_CRASH_ONCE=node: the first node exits by itself, so the supervisor must restart it.
const crashMarker = join(dir, `${name}.crashed`);
if (process.env.FAKE_CRASH_ONCE === name && !existsSync(crashMarker)) {
  writeFileSync(crashMarker, 'x');
  setTimeout(() => process.exit(3), 300);
}

function natsUp(): Promise<boolean> {
  const { hostname, port } = new URL(natsUrl.replace(/^nats:/, 'http:'));
  return new Promise((resolve) => {
    const s = tcpConnect(Number(port), hostname);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

process.once('SIGTERM', async () => {
  appendFileSync(
    join(dir, 'stops.log'),
    JSON.stringify({ name, pid: process.pid, at: process.hrtime.bigint().toString(), natsUp: await natsUp() }) + '\n',
  );
  process.exit(0);
});

if (name === 'node') {
  // Like the real node: the credentials file `up` passes (--nats-creds).
  const creds = args.includes('--nats-creds') ? credentialsOptions(args[args.indexOf('--nats-creds') + 1]!) : {};
  const nc = await connect({ servers: natsUrl, maxReconnectAttempts: -1, ...creds });
  nc.subscribe('compartment.api.status', {
    queue: 'compartment-api',
    callback: (_e, m) => {
      m.respond(JSON.stringify({ ok: true, result: { deployments: [] } }));
    },
  });
  // `up --detach` is ready once a node and an edge are alive: this stand-in says so for both.
  const now = new Date().toISOString();
  const node = {
    id: 'stand-in',
    address: '127.0.0.1',
    pid: process.pid,
    runtimes: ['process'],
    capacity: { buildSlots: 2 },
    load: { deployments: 0, builds: 0 },
    edge: true,
    startedAt: now,
    leader: true,
    state: 'alive',
    seenAt: now,
  };
  const edge = {
    id: 'stand-in-edge',
    listenHost: '127.0.0.1',
    routePorts: [8100, 8199],
    startedAt: now,
    state: 'alive',
    seenAt: now,
  };
  nc.subscribe('compartment.api.nodes', {
    queue: 'compartment-api',
    callback: (_e, m) => void m.respond(JSON.stringify({ ok: true, result: { nodes: [node], edges: [edge] } })),
  });
}
setInterval(() => undefined, 60_000);
