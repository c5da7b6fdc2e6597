// `compartment dashboard --actions`: roll back and deploy from the page, for real; writes only from the page itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webFiles } from '../inspect/inspect-project.js';
import { startCli, type LiveCli } from '../inspect/live-cli.js';
import { launchChromium, type InPage } from './chromium.js';

const project = new Project(webFiles({ version: 'v1' }));
let browser: Browser | null = null;
let page: Page;
let dashboard: LiveCli | null = null;
let url = ''; // where it answers; `printed` adds ?token=
let printed = '';
let token = '';
const ids: string[] = [];

test.after(async () => {
  await browser?.close();
  dashboard?.child.kill('SIGKILL');
  await project.remove();
});

const active = async () => (await project.json<DeploymentRecord[]>(['status'])).find((d) => d.isActive)!;
const headerShows = (id: string) =>
  page.waitForFunction(
    (want) => {
      const d = (globalThis as unknown as InPage).document;
      return (
        d.querySelector('#header')?.textContent?.includes(want) &&
        d.querySelector('[data-testid=status]')?.textContent === 'succeeded'
      );
    },
    id,
    { timeout: 30_000 },
  );

test('setup: two deploys, and a dashboard with --actions found through the project directory', async () => {
  await project.up();
  await project.ok(['deploy'], { timeoutMs: 60_000 });
  ids.push((await active()).id);
  project.write(webFiles({ version: 'v2' }));
  await project.ok(['deploy'], { timeoutMs: 60_000 });
  ids.push((await active()).id);
  dashboard = startCli(['dashboard', '--actions', '--port', '0'], project.dir);
  printed = await waitFor(
    'the dashboard printed its URL',
    () =>
      /dashboard: (http:\/\/\S+) \(NATS (nats:\/\/\S+), deploy and rollback enabled\)/.exec(
        dashboard!.lines().join('\n'),
      )?.[1],
    15_000,
  );
  [, url, token] = /^(http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)$/.exec(printed)!;
  assert.match(
    dashboard.lines()[0]!,
    new RegExp(`NATS ${project.context().natsUrl}`),
    'found the cluster `up` runs here',
  );
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
  await page.goto(printed);
  await headerShows(ids[1]!);
  assert.match((await page.locator('#mode').textContent()) ?? '', /deploy & rollback enabled/);
});

test('Roll back from the page: the previous deployment serves again, and the page follows it', async () => {
  await page.getByRole('button', { name: 'Roll back web' }).click();
  await headerShows(ids[0]!);
  // The page selects the rollback's target at once, and that deployment already says succeeded from its first run:
  // the header can show it before the switch back is done, so wait for the cluster to say it is active again.
  const back = await waitFor(
    'the previous deployment is active again',
    async () => (await active()).id === ids[0],
    30_000,
  );
  assert.ok(back);
  assert.match((await page.locator('#transitions').textContent()) ?? '', /deployment\.promote/);
});

test('Deploy from the page runs `compartment deploy` in the project: the new source goes live', async () => {
  project.write(webFiles({ version: 'v3' }));
  await page.getByRole('button', { name: 'Deploy web' }).click();
  const third = await waitFor(
    'a third deployment serves',
    async () => {
      const a = await active();
      return !ids.includes(a.id) ? a : null;
    },
    60_000,
  );
  await headerShows(third.id);
  assert.is(await (await fetch(third.routeUrl!)).text(), 'hello from v3');
  await page.waitForSelector('#toast.good', { timeout: 15_000 });
});

test('writes come from the page only: another origin or a form post is refused, even with the token', async () => {
  const body = JSON.stringify({ environment: 'production', service: 'web' });
  const auth = { authorization: `Bearer ${token}` };
  const foreign = await fetch(`${url}/api/actions/rollback`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', origin: 'http://evil.example' },
    body,
  });
  assert.is(foreign.status, 403);
  const form = await fetch(`${url}/api/actions/rollback`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/plain', origin: url },
    body,
  });
  assert.is(form.status, 403);
  const bad = await fetch(`${url}/api/actions/rollback`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ environment: 'production', service: 'Not A Name' }),
  });
  assert.is(bad.status, 400);
  assert.match(((await bad.json()) as { error: { message: string } }).error.message, /service/);
});

test('the dashboard stops cleanly on SIGTERM', async () => {
  dashboard!.child.kill('SIGTERM');
  assert.is((await dashboard!.done).code, 0);
});

test.run();
