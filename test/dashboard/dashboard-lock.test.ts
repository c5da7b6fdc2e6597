// The dashboard is locked: its own Host only, a per-start token from the printed URL (a cookie after), same-origin actions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webFiles } from '../inspect/inspect-project.js';
import { startCli, type LiveCli } from '../inspect/live-cli.js';
import { launchChromium, type InPage } from './chromium.js';
import { raw } from './raw-http.js';

const project = new Project(webFiles({ version: 'v1' }));
let browser: Browser | null = null;
let actions: LiveCli | null = null;
let printed = ''; // the URL `up` printed, with ?token=
let base = ''; // the same without it
let token = '';
const ROLLBACK = JSON.stringify({ environment: 'production', service: 'web' });

test.after(async () => {
  await browser?.close();
  actions?.child.kill('SIGKILL');
  await project.remove();
});

const bearer = (t = token) => ({ authorization: `Bearer ${t}` });

test('up prints the URL with a 32-byte token; the token is in a 0600 file and on no command line', async () => {
  const up = await project.cli(['up', '--detach'], { timeoutMs: 120_000 });
  assert.is(up.code, 0, up.stderr);
  const m = /dashboard: ((http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]{43}))\n/.exec(up.stderr);
  assert.ok(m, `up printed the dashboard URL with its token: ${up.stderr}`);
  [, printed, base, token] = m!;
  const file = join(project.dir, '.compartment', 'dashboard.token');
  assert.is(readFileSync(file, 'utf8').trim(), token);
  assert.is(statSync(file).mode & 0o777, 0o600);
  const pid = project.context().children.dashboard!;
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  assert.match(argv, /--token-file/);
  assert.not.ok(argv.includes(token), 'the token is not in the dashboard process command line');
  assert.not.ok(
    readFileSync(join(project.dir, '.compartment', 'context.json'), 'utf8').includes(token),
    'nor in context.json',
  );
  const logs = join(project.dir, '.compartment', 'logs');
  assert.match(
    readFileSync(join(logs, 'supervisor.log'), 'utf8'),
    /dashboard: http:\/\/127\.0\.0\.1:\d+ \(token in \S+dashboard\.token\)/,
  );
  for (const name of ['supervisor.log', 'dashboard.log'])
    assert.not.ok(readFileSync(join(logs, name), 'utf8').includes(token), `nor in ${name}`);
  await project.ok(['deploy'], { timeoutMs: 60_000 });
});

test('a Host that is not the started address is refused, whatever the token (DNS rebinding)', async () => {
  for (const path of ['/', '/api/overview', `/?token=${token}`, '/app/app.js', '/events']) {
    const r = await raw(base, path, { headers: { host: `rebind.example:${new URL(base).port}`, ...bearer() } });
    assert.is(r.status, 421, path);
    assert.not.match(r.body, /deployments|web/);
  }
  assert.is((await raw(base, '/api/overview', { headers: { host: 'rebind.example', ...bearer() } })).status, 421);
  assert.is(
    (
      await raw(base, '/api/overview', {
        headers: { host: `127.0.0.1:${Number(new URL(base).port) + 1}`, ...bearer() },
      })
    ).status,
    421,
    'another port is another origin',
  );
  assert.is(
    (await raw(base, '/api/overview', { headers: { host: `localhost:${new URL(base).port}`, ...bearer() } })).status,
    200,
    'localhost names the loopback address it listens on',
  );
  assert.is((await raw(base, '/api/overview', { headers: bearer() })).status, 200);
});

test('without the token: the API, the event streams and the page itself are refused', async () => {
  for (const path of [
    '/api/overview',
    '/api/logs?deployment=x',
    '/api/chart',
    '/events',
    '/events/logs?deployment=x',
    '/',
  ]) {
    const r = await raw(base, path);
    assert.is(r.status, 401, path);
    assert.not.match(r.body, /"deployments"|nats:\/\//, `${path} shows no data`);
  }
  assert.is((await raw(base, '/api/overview', { headers: bearer('x'.repeat(43)) })).status, 401, 'a wrong token');
  assert.is(
    (await raw(base, '/api/overview', { headers: { cookie: `compartment_dashboard=${token.slice(0, -1)}` } })).status,
    401,
    'a cookie one character short',
  );
  const wrong = await raw(base, `/?token=${'A'.repeat(43)}`);
  assert.is(wrong.status, 401);
  assert.is(wrong.headers['set-cookie'], undefined);
  const right = await raw(base, `/?token=${token}`);
  assert.is(right.status, 303);
  assert.is(right.headers.location, '/');
  assert.match(
    String(right.headers['set-cookie']),
    /^compartment_dashboard=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/,
  );
  assert.is(
    (await raw(base, '/api/overview', { headers: { cookie: `other=1; compartment_dashboard=${token}` } })).status,
    200,
    'the cookie opens the API',
  );
});

test('with the printed URL the page works in Chromium: redirect to the clean URL, cookie set, the deployment shown', async () => {
  browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  const api: Array<{ url: string; status: number }> = [];
  page.on('response', (r) => r.url().includes('/api/') && api.push({ url: r.url(), status: r.status() }));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(printed);
  assert.is(page.url(), `${base}/`, 'the token left the address bar');
  await page.waitForSelector('[data-testid=live].on');
  await page.waitForFunction(
    () => (globalThis as unknown as InPage).document.querySelector('[data-testid=status]')?.textContent === 'succeeded',
    undefined,
    { timeout: 15_000 },
  );
  assert.match((await page.locator('[data-testid=service-production-web]').textContent()) ?? '', /web\s*active/);
  await page.waitForFunction(() =>
    /listening on/.test(
      (globalThis as unknown as InPage).document.querySelector('[data-testid=logs]')?.textContent ?? '',
    ),
  );
  const [cookie] = await context.cookies(base);
  assert.equal(
    { name: cookie?.name, value: cookie?.value, httpOnly: cookie?.httpOnly, sameSite: cookie?.sameSite },
    { name: 'compartment_dashboard', value: token, httpOnly: true, sameSite: 'Strict' },
  );
  assert.is(await page.evaluate(() => (globalThis as unknown as InPage).document.cookie), '', 'scripts cannot read it');
  assert.ok(
    api.some((r) => r.url.endsWith('/api/overview')) && api.some((r) => r.url.includes('/api/logs')),
    api.map((r) => r.url).join(' '),
  );
  assert.equal(
    api.filter((r) => r.status !== 200),
    [],
    'every API call succeeded',
  );
  assert.equal(errors, []);

  const stranger = await browser.newPage(); // no cookie: the page says how to get in and shows nothing
  const res = await stranger.goto(base);
  assert.is(res?.status(), 401);
  assert.match((await stranger.locator('body').textContent()) ?? '', /needs its token/);
  await stranger.close();
  await context.close();
});

test('actions: refused without --actions even with the token and our origin', async () => {
  const r = await raw(base, '/api/actions/rollback', {
    method: 'POST',
    headers: { ...bearer(), origin: base, 'content-type': 'application/json' },
    body: ROLLBACK,
  });
  assert.is(r.status, 403);
  assert.match(r.body, /read-only/);
});

test('actions with --actions: need the token and a POST from the exact started origin', async () => {
  actions = startCli(['dashboard', '--actions', '--port', '0'], project.dir);
  const line = await waitFor(
    'the dashboard printed its URL',
    () => actions!.lines().find((l) => l.startsWith('dashboard: ')),
    15_000,
  );
  const m = /^dashboard: ((http:\/\/127\.0\.0\.1:\d+)\/\?token=([A-Za-z0-9_-]{43})) \(NATS/.exec(line);
  assert.ok(m, line);
  const [, , own, ownToken] = m!;
  assert.is.not(ownToken, token, 'its own token, made at its start');
  const post = (headers: Record<string, string>) =>
    raw(own!, '/api/actions/rollback', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: ROLLBACK,
    });
  const port = new URL(own!).port;
  assert.is(
    (await post({ ...bearer(ownToken), origin: 'http://evil.example' })).status,
    403,
    'a foreign origin, with the token',
  );
  assert.is(
    (await post({ ...bearer(ownToken), origin: `http://rebind.example:${port}`, host: `rebind.example:${port}` }))
      .status,
    421,
    'Origin equal to a rebound Host',
  );
  assert.is(
    (await post({ ...bearer(ownToken), origin: `http://127.0.0.1:${Number(port) + 1}` })).status,
    403,
    'a neighbouring port',
  );
  assert.is((await post({ ...bearer(ownToken) })).status, 403, 'no Origin at all');
  assert.is(
    (await post({ ...bearer(ownToken), origin: own!, 'sec-fetch-site': 'same-site' })).status,
    403,
    'a same-site page on another port',
  );
  assert.is(
    (await post({ ...bearer(ownToken), origin: own!, 'content-type': 'text/plain' })).status,
    403,
    'a form-like body',
  );
  assert.is((await post({ origin: own! })).status, 401, 'our origin without the token');
  assert.is((await post({ ...bearer(token), origin: own! })).status, 401, "up's token does not open another dashboard");
  // With both, the request reaches the API: the one deployment has nothing to roll back to.
  const ok = await post({ ...bearer(ownToken), origin: own! });
  assert.is(ok.status, 409, ok.body);
  assert.match(ok.body, /ROLLBACK_UNAVAILABLE/);
});

test.run();
