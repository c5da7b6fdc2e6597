// A workload that prints escape sequences: `logs`, `deploy`, `inspect` show them escaped; `--json` keeps the raw text; the dashboard shows text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { launchChromium, type InPage } from '../dashboard/chromium.js';
import type { DeploymentRecord, LogLine } from '../../packages/protocol/index.js';
import { Project } from '../harness/project.js';

const HOSTILE = '\x1b]0;pwned\x07\x1b[2J';
const SHOWN = '\\x1b]0;pwned\\x07\\x1b[2J';
/** ESC, BEL, CR or a C1 control: anything in human output a terminal would act on. */
const ACTIVE = /[\x07\x1b\r\u0080-\u009f]/;

const project = new Project({
  'compartment.yaml': `services:
  web:
    path: ./web
    start: node app.js
    readiness: { path: /ready, intervalMs: 100, timeoutMs: 20000 }
`,
  // Says something nasty on both streams, and a CR-forged line, then exits before it is ever ready.
  'web/app.js': `
process.stdout.write('title ${HOSTILE.replace(/\x1b/g, '\\x1b').replace(/\x07/g, '\\x07')} done\\n');
process.stdout.write('half\\rforged\\n');
process.stdout.write('<img src=x onerror="globalThis.pwned=1"><b>markup</b>\\n');
process.stderr.write('fatal ${HOSTILE.replace(/\x1b/g, '\\x1b').replace(/\x07/g, '\\x07')}\\n');
setTimeout(() => process.exit(3), 300);
`,
});
let failed: DeploymentRecord;
let deployOutput = '';
let dashboard = '';
let browser: Browser | null = null;

test.before(async () => {
  const up = await project.cli(['up', '--detach'], { timeoutMs: 120_000 });
  assert.is(up.code, 0, up.stderr);
  dashboard = /dashboard: (\S+)/.exec(up.stderr)![1]!;
  const r = await project.cli(['deploy'], { timeoutMs: 60_000 });
  assert.is(r.code, 1, r.stdout + r.stderr);
  deployOutput = r.stdout + r.stderr;
  failed = (await project.json<DeploymentRecord[]>(['status']))[0]!;
});
test.after(async () => {
  await browser?.close();
  await project.remove();
});

test('the record keeps the raw text (--json); deploy prints the failure escaped', async () => {
  assert.ok(failed.failureMessage?.includes(HOSTILE), `raw in the record: ${JSON.stringify(failed.failureMessage)}`);
  assert.ok(deployOutput.includes(`fatal ${SHOWN}`), deployOutput);
  assert.not.match(deployOutput, ACTIVE);
});

test('compartment logs: escaped for a person, one line per line; raw in --json', async () => {
  const text = await project.ok(['logs', '--deployment', failed.id]);
  assert.match(text, new RegExp(`\\[stdout\\]\\s+title ${SHOWN.replace(/[\\[\]]/g, '\\$&')} done$`, 'm'));
  assert.match(text, /\[stderr\]\s+fatal \\x1b\]0;pwned\\x07\\x1b\[2J$/m);
  assert.match(text, /\[stdout\]\s+half\\x0dforged$/m, 'a carriage return cannot overwrite the line');
  assert.not.match(text, ACTIVE);
  const lines = (await project.ok(['logs', '--deployment', failed.id, '--json']))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogLine);
  assert.ok(
    lines.some((l) => l.stream === 'stdout' && l.text === `title ${HOSTILE} done`),
    'the exact bytes in JSON',
  );
  assert.ok(lines.some((l) => l.stream === 'stdout' && l.text === 'half\rforged'));
});

test('inspect and status print the failure escaped', async () => {
  const inspect = await project.cli(['inspect', failed.id]);
  assert.match(inspect.stdout, /^failure\s+.*fatal \\x1b\]0;pwned/m);
  assert.not.match(inspect.stdout + inspect.stderr, ACTIVE);
  const status = await project.cli(['status']);
  assert.not.match(status.stdout, ACTIVE);
});

test('the dashboard shows the same lines as text: markup is not parsed, no script runs', async () => {
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`${dashboard}#/production/web/${failed.id}`);
  const logs = page.locator('[data-testid=logs]');
  await page.waitForFunction(
    () =>
      /markup/.test((globalThis as unknown as InPage).document.querySelector('[data-testid=logs]')?.textContent ?? ''),
    undefined,
    { timeout: 15_000 },
  );
  const text = (await logs.textContent()) ?? '';
  assert.ok(text.includes('<img src=x onerror="globalThis.pwned=1"><b>markup</b>'), text);
  assert.ok(text.includes(`title ${HOSTILE} done`), 'the text itself, as sent (a browser acts on no escape sequence)');
  assert.is(await logs.locator('img, b').count(), 0);
  assert.is(await page.evaluate(() => (globalThis as unknown as InPage).pwned), undefined);
  assert.match((await page.locator('[data-testid=failure]').textContent()) ?? '', /fatal/);
});

test.run();
