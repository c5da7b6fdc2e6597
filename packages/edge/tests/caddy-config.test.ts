// Unit tests of the static Caddy config: one server per route port, SRV via our responder, no HTTPS, no reload hooks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCaddyConfig, routePortRange, adminUrlOf } from '../caddy-config.js';
import { routeName, upstreamName, portOfRouteName, deploymentOfUpstreamName } from '../dns-names.js';

const base = {
  admin: { port: 2999 },
  routePorts: routePortRange(8100, 3),
  resolver: { host: '127.0.0.1', port: 5353 },
  dataDir: '/var/edge',
};
// The config is plain JSON data; the tests read it by path.
type Json = any;
const handlerOf = (config: Json, port: number) => config.apps.http.servers[`r${port}`].routes[0].handle[0];

test('one server per port, each proxying its own absolute SRV name through our resolver', () => {
  const config = buildCaddyConfig(base) as Json;
  assert.equal(Object.keys(config.apps.http.servers), ['r8100', 'r8101', 'r8102']);
  const server = config.apps.http.servers.r8101;
  assert.equal(server.listen, ['127.0.0.1:8101']);
  assert.equal(server.automatic_https, { disable: true });
  const handler = handlerOf(config, 8101);
  assert.is(handler.handler, 'reverse_proxy');
  assert.equal(handler.dynamic_upstreams, {
    source: 'srv',
    name: 'r8101.route.compartment.internal.',
    refresh: '5ms',
    resolver: { addresses: ['udp/127.0.0.1:5353'] },
    dial_timeout: '2000ms',
  });
  assert.equal(handler.transport.resolver, { addresses: ['udp/127.0.0.1:5353'] });
  assert.ok(handler.transport.keep_alive.max_idle_conns_per_host >= 256);
  assert.is(handler.load_balancing, undefined, 'no retries unless asked for');
  assert.equal(config.admin, { listen: '127.0.0.1:2999', config: { persist: false } });
  assert.equal(config.storage, { module: 'file_system', root: '/var/edge/storage' });
  assert.is(adminUrlOf(config), 'http://127.0.0.1:2999');
});

test('options: listen host, IPv6 resolver, refresh, retries', () => {
  const config = buildCaddyConfig({
    ...base,
    listenHost: '0.0.0.0',
    resolver: { host: '::1', port: 53 },
    refreshMs: 10,
    tryDurationMs: 1500,
  }) as Json;
  assert.equal(config.apps.http.servers.r8100.listen, ['0.0.0.0:8100']);
  const handler = handlerOf(config, 8100);
  assert.equal(handler.dynamic_upstreams.resolver.addresses, ['udp/[::1]:53']);
  assert.is(handler.dynamic_upstreams.refresh, '10ms');
  assert.equal(handler.load_balancing, { try_duration: '1500ms', try_interval: '25ms' });
});

test('port ranges are checked', () => {
  assert.equal(routePortRange(8100, 2), [8100, 8101]);
  assert.throws(() => routePortRange(65535, 2), /not within/);
  assert.throws(() => routePortRange(8100, 0), /not within/);
});

test('name helpers round-trip', () => {
  assert.is(routeName(8101), 'r8101.route.compartment.internal');
  assert.is(portOfRouteName('R8101.route.compartment.internal.'), 8101);
  assert.is(portOfRouteName('r8101.route.compartment.internal.example'), null);
  assert.is(portOfRouteName('r99999.route.compartment.internal'), null);
  assert.is(upstreamName('abc123', 2), 'h2.abc123.upstream.compartment.internal');
  assert.is(deploymentOfUpstreamName('h2.abc123.upstream.compartment.internal.'), 'abc123');
  assert.is(deploymentOfUpstreamName('abc123.upstream.compartment.internal.'), 'abc123');
  assert.is(deploymentOfUpstreamName('127.0.0.1'), null);
});

test.run();
