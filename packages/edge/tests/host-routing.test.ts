// Unit tests of per-host routing: the host index (moves go to the later holder) and the zone's per-host SRV answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RouteTable } from '../route-table.js';
import { DnsZone } from '../dns-zone.js';
import { HostIndex } from '../host-index.js';
import { FALLBACK_NAME, HOST_ZONE, upstreamName } from '../dns-names.js';
import { buildCaddyConfig } from '../caddy-config.js';

test('the index maps held names (any case) to their route port; a name two routes list goes to the later list', () => {
  const hosts = new HostIndex();
  hosts.set('route.production.web', 8100, ['app.example.com', 'www.example.com'], '2026-01-01T00:00:00.000Z');
  assert.is(hosts.portOf('APP.example.com.'), 8100);
  // A move in one deploy: the taker's list is written first, the giver's after; in between both list it.
  hosts.set('route.production.api', 8101, ['www.example.com'], '2026-01-01T00:00:01.000Z');
  assert.is(hosts.portOf('www.example.com'), 8101);
  hosts.set('route.production.web', 8100, ['app.example.com'], '2026-01-01T00:00:02.000Z');
  assert.is(hosts.portOf('www.example.com'), 8101);
  hosts.delete('route.production.api');
  assert.is(hosts.portOf('www.example.com'), undefined);
  assert.equal(hosts.entries(), [{ domain: 'app.example.com', key: 'route.production.web' }]);
});

test("a held name's SRV lookup answers its route's upstreams; an unknown host points at the fallback", () => {
  const table = new RouteTable();
  table.set({ port: 8100, deploymentId: 'dep001', upstreams: [{ host: '127.0.0.1', port: 3000 }], revision: 1 });
  table.set({ port: 8101, deploymentId: null, upstreams: [], revision: 1 });
  const hosts = new HostIndex();
  hosts.set('k1', 8100, ['app.example.com']);
  hosts.set('k2', 8101, ['new.example.com']);
  const zone = new DnsZone(table, { hostRouting: { hosts, fallback: { host: '127.0.0.1', port: 9999 } } });
  assert.equal(zone.lookup(`App.Example.com.${HOST_ZONE}.`), {
    kind: 'route',
    targets: [{ target: upstreamName('dep001'), port: 3000, host: '127.0.0.1' }],
    deploymentId: 'dep001',
  });
  // Held, but nothing deployed yet: no upstream (Caddy answers 502/503), not the 404 of an unknown host.
  assert.equal(zone.lookup(`new.example.com.${HOST_ZONE}`), { kind: 'route', targets: [], deploymentId: null });
  assert.equal(zone.lookup(`other.example.com.${HOST_ZONE}`), {
    kind: 'route',
    targets: [{ target: FALLBACK_NAME, port: 9999, host: '127.0.0.1' }],
    deploymentId: null,
  });
  assert.equal(zone.lookup(FALLBACK_NAME), { kind: 'upstream', host: '127.0.0.1' });
  // Without host routing the zone knows none of these names.
  assert.equal(new DnsZone(table).lookup(`app.example.com.${HOST_ZONE}`), { kind: 'unknown' });
});

test('the HTTPS server is static: its SRV name is built from the request host; TLS is on demand, asked of the edge', () => {
  const https = {
    httpsPort: 8443,
    httpPort: 8080,
    tls: { issuer: 'internal' as const },
    askUrl: 'http://127.0.0.1:1/ask',
    plainDial: '127.0.0.1:2',
  };
  const config = buildCaddyConfig({
    admin: { port: 2019 },
    routePorts: [8100],
    resolver: { host: '127.0.0.1', port: 53 },
    dataDir: '/d',
    https,
  }) as any;
  const server = config.apps.http.servers.https;
  assert.equal(server.listen, ['127.0.0.1:8443']);
  assert.is(server.strict_sni_host, true);
  assert.is(server.routes[0].handle[0].dynamic_upstreams.name, `{http.request.host}.${HOST_ZONE}.`);
  assert.equal(server.routes[0].handle[0].transport.resolver, { addresses: ['udp/127.0.0.1:53'] });
  assert.equal(config.apps.http.servers.http.routes[0].handle[0].upstreams, [{ dial: '127.0.0.1:2' }]);
  assert.equal(config.apps.tls.automation, {
    policies: [{ issuers: [{ module: 'internal' }], on_demand: true }],
    on_demand: { ask: 'http://127.0.0.1:1/ask' },
  });
  assert.is(config.apps.pki.certificate_authorities.local.install_trust, false);
  const acme = buildCaddyConfig({
    admin: { port: 2019 },
    routePorts: [8100],
    resolver: { host: '127.0.0.1', port: 53 },
    dataDir: '/d',
    https: { ...https, tls: { issuer: 'acme', email: 'ops@example.com' } },
  }) as any;
  assert.equal(acme.apps.tls.automation.policies[0].issuers, [
    { module: 'acme', email: 'ops@example.com' },
    { module: 'zerossl', email: 'ops@example.com' },
  ]);
  // No domains: exactly the route servers, as before.
  const plain = buildCaddyConfig({
    admin: { port: 2019 },
    routePorts: [8100],
    resolver: { host: '127.0.0.1', port: 53 },
    dataDir: '/d',
  }) as any;
  assert.equal(Object.keys(plain.apps), ['http']);
  assert.equal(Object.keys(plain.apps.http.servers), ['r8100']);
});

test.run();
