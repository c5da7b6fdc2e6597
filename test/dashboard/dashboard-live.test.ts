// The dashboard `up` starts, in headless Chromium: a real deploy shows up live, stage and statechart highlight moving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { Project } from '../harness/project.js';
import { webFiles } from '../inspect/inspect-project.js';
import { launchChromium, type InPage } from './chromium.js';

const OUTPUT = fileURLToPath(new URL('../../../test-output/', import.meta.url));
const SPEC_ORDER = [
  'building',
  'starting_candidate',
  'checking_readiness',
  'switching_route',
  'draining_previous',
  'active',
];
// Not ready for 4 s: long enough for the page to show checking_readiness even when a loaded machine renders slowly.
const project = new Project(webFiles({ version: 'v1', readyAfterMs: 4000 }));
let browser: Browser | null = null;
let page: Page;
let url = ''; // where it answers; `printed` adds ?token=
let printed = '';
let auth: Record<string, string> = {};
const requests: string[] = [];
const pageErrors: string[] = [];
let firstId = '';

test.after(async () => {
  await browser?.close();
  await project.remove();
});

const text = (selector: string) => page.locator(selector).first().textContent();
const dedupe = <T>(list: T[]) => list.filter((x, i) => i === 0 || x !== list[i - 1]);

test('up starts the dashboard and prints its URL; the page loads with every asset from the dashboard itself', async () => {
  const up = await project.cli(['up', '--detach'], { timeoutMs: 120_000 });
  assert.is(up.code, 0, up.stderr);
  const m = /dashboard: ((http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+))/.exec(up.stderr);
  assert.ok(m, `up printed the dashboard URL with its token: ${up.stderr}`);
  [, printed, url] = m!;
  auth = { authorization: `Bearer ${m![3]}` };
  assert.is((project.context() as unknown as { dashboardUrl: string }).dashboardUrl, url);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1700 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(printed);
  await page.waitForSelector('[data-testid=live].on');
  // The stream opens first; the overview it asks for then fills the page (slowly on a busy machine).
  await page.waitForFunction(
    () =>
      /No deployments yet/.test((globalThis as unknown as InPage).document.querySelector('#main')?.textContent ?? ''),
    undefined,
    { timeout: 15_000 },
  );
  assert.ok(requests.length >= 8, 'page, styles, scripts, Mermaid, API, events');
  assert.equal(
    requests.filter((r) => !r.startsWith(url) && !r.startsWith('data:')),
    [],
    'no request leaves the dashboard',
  );
});

test('a deploy shows up live: the stage changes and the statechart highlight moves with it', async () => {
  // Every (stage, highlighted states) pair the page shows, in the order it shows them.
  await page.evaluate(() => {
    const g = globalThis as unknown as InPage;
    g.seen = [];
    const note = () => {
      const stage = g.document.querySelector('[data-testid=stage]')?.textContent;
      const current = g.document.querySelector('[data-testid=chart]')?.dataset.current ?? '';
      const last = g.seen[g.seen.length - 1];
      if (stage && (!last || last.stage !== stage || last.current !== current)) g.seen.push({ stage, current });
    };
    new g.MutationObserver(note).observe(g.document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      characterData: true,
    });
  });
  const deploy = project.cli(['deploy'], { timeoutMs: 60_000 });
  await page.waitForFunction(
    () => {
      const g = globalThis as unknown as InPage;
      return (
        g.document.querySelector('[data-testid=status]')?.textContent === 'succeeded' &&
        String(g.document.querySelector('[data-testid=chart]')?.dataset.current).includes('active_serving')
      );
    },
    undefined,
    { timeout: 30_000 },
  );
  const r = await deploy;
  assert.is(r.code, 0, r.stdout + r.stderr);
  const [record] = await project.json<DeploymentRecord[]>(['status']);
  firstId = record!.id;

  const seen = (await page.evaluate(() => (globalThis as unknown as InPage).seen)) as Array<{
    stage: string;
    current: string;
  }>;
  const stages = dedupe(seen.map((s) => s.stage));
  assert.ok(stages.length >= 2 && stages.includes('checking_readiness'), `saw stages ${stages.join(' → ')}`);
  assert.is(stages.at(-1), 'active');
  assert.equal(
    stages,
    SPEC_ORDER.filter((s) => stages.includes(s)),
    'in the spec order, never backwards',
  );
  const highlights = dedupe(seen.map((s) => s.current).filter(Boolean));
  const probing = highlights.findIndex((h) => h.includes('deployment_stage_checking_readiness_probing'));
  assert.ok(probing >= 0, `the highlight was on checking_readiness.probing at some point: ${highlights.join(' | ')}`);
  assert.is(highlights.at(-1), 'deployment_health_healthy deployment_stage_active_serving deployment_status_succeeded');
  assert.ok(highlights.length - 1 > probing, 'and moved on from there');

  assert.match((await text('[data-testid=state-path]')) ?? '', /stage: active\.serving/);
  assert.ok(
    await page.locator('.step.done[data-stage=checking_readiness]').count(),
    'timeline: checking readiness done',
  );
  assert.match((await text('#transitions')) ?? '', /readiness\.attempt/);
  assert.match((await text('#attempts')) ?? '', /GET \/ready → 200 OK/);
  await page.waitForFunction(() =>
    /listening on/.test(
      (globalThis as unknown as InPage).document.querySelector('[data-testid=logs]')?.textContent ?? '',
    ),
  );
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: `${OUTPUT}dashboard.png`, fullPage: true });
  assert.equal(pageErrors, []);
});

test('environments → services → deployments on the left; the log pane filters by stream', async () => {
  assert.is(await text('#sidebar .env h3'), 'production');
  assert.match((await text('[data-testid=service-production-web]')) ?? '', /web\s*active · healthy/);
  assert.is(await page.locator(`#sidebar a[href$="/${firstId}"]`).count(), 1);
  const logs = page.locator('[data-testid=logs]');
  assert.match((await logs.textContent()) ?? '', /compartment\s*stage: checking_readiness/);
  await page.locator('input[data-stream=compartment]').uncheck();
  const filtered = (await logs.textContent()) ?? '';
  assert.not.match(filtered, /stage: checking_readiness/, 'platform lines hidden');
  assert.match(filtered, /stdout\s*listening on/, 'the app output stays');
  await page.locator('input[data-stream=compartment]').check();
  assert.match((await logs.textContent()) ?? '', /stage: checking_readiness/);
});

test('the page follows the service to its next deployment; the previous one is listed as standby', async () => {
  project.write(webFiles({ version: 'v2', readyAfterMs: 300 }));
  const r = await project.cli(['deploy'], { timeoutMs: 60_000 });
  assert.is(r.code, 0, r.stderr);
  const next = (await project.json<DeploymentRecord[]>(['status'])).find((d) => d.isActive)!;
  assert.is.not(next.id, firstId);
  await page.waitForFunction(
    (id) => (globalThis as unknown as InPage).document.querySelector('#header')?.textContent?.includes(id),
    next.id,
    { timeout: 15_000 },
  );
  await page.waitForFunction(
    (id) =>
      /standby/.test((globalThis as unknown as InPage).document.querySelector(`a[href$="/${id}"]`)?.textContent ?? ''),
    firstId,
    { timeout: 15_000 },
  );
  assert.is(await text('[data-testid=stage]'), 'active');
});

test('read-only by default: no buttons, and the action endpoints refuse', async () => {
  assert.is(await page.locator('button[data-action]').count(), 0);
  assert.match((await text('#mode')) ?? '', /read-only/);
  const res = await fetch(`${url}/api/actions/rollback`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ environment: 'production', service: 'web' }),
  });
  assert.is(res.status, 403);
});

test('the server serves its own files only; Mermaid comes from node_modules', async () => {
  assert.is((await fetch(`${url}/app/..%2F..%2F..%2Fpackage.json`)).status, 404);
  assert.is((await fetch(`${url}/app/../../package.json`)).status, 404);
  const mermaid = await fetch(`${url}/vendor/mermaid.min.js`);
  assert.is(mermaid.status, 200);
  assert.ok((await mermaid.arrayBuffer()).byteLength > 1_000_000);
  const chart = await (
    await fetch(`${url}/api/chart?status=running&stage=building.slot.queued&health=pending`, { headers: auth })
  ).text();
  assert.match(chart, /class .*deployment_stage_building_slot_queued.* current/);
  assert.is((await fetch(`${url}/api/chart?status=x%20y&stage=a&health=b`, { headers: auth })).status, 400);
  assert.is((await fetch(`${url}/app/%E0%A4%A`)).status, 404, 'a malformed escape is just not found');
  // A log stream for nonsense says why and ends; the server carries on.
  const bad = await (await fetch(`${url}/events/logs?deployment=NOT-AN-ID&from=x`, { headers: auth })).text();
  assert.match(bad, /event: problem\ndata: \{"message":"log stream ended: deployment: not a deployment id"\}/);
  assert.is((await fetch(`${url}/healthz`)).status, 200);
});

test.run();
