// The dashboard's locks as pure checks: which Host values are ours, token comparison, the cookie, same-origin writes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { DashboardGuard, allowedHosts, sameSecret } from '../dashboard-guard.js';

const TOKEN = 'q'.repeat(43);
const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

test('Host values: the started address, localhost for a loopback one, loopback among every address for a wildcard', () => {
  assert.equal(allowedHosts('127.0.0.1', 7070), ['127.0.0.1:7070', 'localhost:7070']);
  assert.equal(allowedHosts('::1', 7070), ['[::1]:7070', 'localhost:7070']);
  assert.equal(allowedHosts('192.0.2.7', 7070), ['192.0.2.7:7070']);
  assert.ok(allowedHosts('0.0.0.0', 7070).includes('127.0.0.1:7070'));
  assert.not.ok(allowedHosts('0.0.0.0', 7070).some((h) => h.startsWith('0.0.0.0')));
});

test('a guard refuses foreign Hosts, wrong or missing tokens, and writes from anywhere but the started origin', () => {
  const g = new DashboardGuard(TOKEN, '127.0.0.1', 7070);
  assert.ok(g.hostAllowed(req({ host: '127.0.0.1:7070' })));
  assert.ok(g.hostAllowed(req({ host: 'LOCALHOST:7070' })));
  for (const host of ['rebind.example:7070', 'rebind.example', '127.0.0.1:7071', '127.0.0.1', ''])
    assert.not.ok(g.hostAllowed(req({ host })), host);
  assert.not.ok(g.hostAllowed(req({})));

  assert.ok(g.authenticated(req({ cookie: `a=b; compartment_dashboard=${TOKEN}` })));
  assert.ok(g.authenticated(req({ authorization: `Bearer ${TOKEN}` })));
  for (const cookie of [
    '',
    `compartment_dashboard=${TOKEN}x`,
    `compartment_dashboardx=${TOKEN}`,
    'compartment_dashboard=',
  ])
    assert.not.ok(g.authenticated(req({ cookie })), cookie);
  assert.is(g.setCookie(), `compartment_dashboard=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);

  const json = { 'content-type': 'application/json' };
  assert.ok(g.sameOrigin(req({ ...json, origin: 'http://127.0.0.1:7070', 'sec-fetch-site': 'same-origin' })));
  assert.ok(g.sameOrigin(req({ ...json, origin: 'http://localhost:7070' })));
  for (const origin of ['http://evil.example', 'http://127.0.0.1:7071', 'https://127.0.0.1:7070', 'null'])
    assert.not.ok(g.sameOrigin(req({ ...json, origin })), origin);
  assert.not.ok(g.sameOrigin(req({ ...json })), 'no Origin');
  assert.not.ok(g.sameOrigin(req({ ...json, origin: 'http://127.0.0.1:7070', 'sec-fetch-site': 'same-site' })));
  assert.not.ok(g.sameOrigin(req({ 'content-type': 'text/plain', origin: 'http://127.0.0.1:7070' })));
});

test('tokens compare whole, whatever their lengths; a short token is refused at start', () => {
  assert.ok(sameSecret(TOKEN, TOKEN));
  assert.not.ok(sameSecret(TOKEN.slice(1), TOKEN));
  assert.not.ok(sameSecret('', TOKEN));
  assert.not.ok(sameSecret(undefined, TOKEN));
  assert.throws(() => new DashboardGuard('short', '127.0.0.1', 1));
});

test.run();
