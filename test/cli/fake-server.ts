// Stand-in for `compartment edge|node` in the up/down tests: records argv and stops; as `node` it answers `status`.

// The real edge and node agent are not built yet. Run as: node fake-server.js <edge|node> --nats URL ...
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import { connect } from '@nats-io/transport-node';

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
  appendFileSync(join(dir, 'stops.log'), JSON.stringify({ name, pid: process.pid, at: process.hrtime.bigint().toString(), natsUp: await natsUp() }) + '\n');
  process.exit(0);
});

if (name === 'node') {
  const nc = await connect({ servers: natsUrl, maxReconnectAttempts: -1 });
  nc.subscribe('compartment.api.status', {
    queue: 'compartment-api',
    callback: (_e, m) => {
      m.respond(JSON.stringify({ ok: true, result: { deployments: [] } }));
    },
  });
}
setInterval(() => undefined, 60_000);
