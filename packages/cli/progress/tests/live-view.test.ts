// The live deploy view's rows: stage, elapsed time, readiness, URL or failure; fitted to the terminal; redrawn in place.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeploymentRecord } from '../../../protocol/index.js';
import { LiveView, elapsedText, fit, renderRows, type LiveRow } from '../live-view.js';

const plain = (_c: string, t: string) => t;
const T0 = Date.parse('2026-04-24T10:00:00.000Z');

function record(over: Partial<DeploymentRecord>): DeploymentRecord {
  return {
    id: 'dep0000001',
    serviceName: 'web',
    status: 'running',
    health: 'pending',
    promotionStage: 'building',
    isActive: false,
    routeUrl: 'http://127.0.0.1:8100',
    failureMessage: null,
    createdAt: '2026-04-24T10:00:00.000Z',
    completedAt: null,
    environmentName: 'production',
    nodeId: 'n1',
    trigger: 'deploy',
    serviceType: 'web',
    runtime: 'process',
    sourceDigest: 'sha256-x',
    fingerprint: 'sha256-y',
    previousId: null,
    replacedBy: null,
    activatedAt: null,
    stages: [],
    readiness: { attempts: 0, recent: [] },
    state: { status: 'running', stage: 'building.slot.running', health: 'pending' },
    updatedAt: '2026-04-24T10:00:00.000Z',
    ...over,
  };
}
const row = (r: DeploymentRecord, endedAt: number | null = null): LiveRow => ({
  record: r,
  id: r.id,
  serviceName: r.serviceName,
  startedAt: T0,
  endedAt,
  gone: false,
});

test('elapsed time: tenths under a minute, then minutes and seconds', () => {
  assert.is(elapsedText(0), '0.0s');
  assert.is(elapsedText(3_240), '3.2s');
  assert.is(elapsedText(75_000), '1m15s');
  assert.is(elapsedText(-5), '0.0s');
});

test('one line per deployment: stage, elapsed, and what readiness says; names aligned', () => {
  const web = record({
    promotionStage: 'checking_readiness',
    readiness: {
      attempts: 3,
      recent: [{ at: '2026-04-24T10:00:01.000Z', ok: false, detail: 'GET /ready → 503', latencyMs: 2 }],
    },
  });
  const api = record({ id: 'dep0000002', serviceName: 'api-gateway', status: 'queued', promotionStage: 'building' });
  const [a, b] = renderRows([row(web), row(api)], T0 + 4_100, 200, plain, 0);
  assert.is(a, '⠋ web          dep0000001  checking_readiness     4.1s  readiness: 3 attempts, last GET /ready → 503');
  assert.is(b, '⠋ api-gateway  dep0000002  building               4.1s  waiting for a build slot');
});

test('finished rows: a check mark and the URL, or a cross and the failure; the clock stops when it finished', () => {
  const ok = record({ status: 'succeeded', promotionStage: 'active' });
  const bad = record({
    id: 'dep0000002',
    status: 'failed',
    promotionStage: 'checking_readiness',
    failureMessage: 'readiness check timed out after 500 ms',
  });
  const [a, b] = renderRows([row(ok, T0 + 2_000), row(bad, T0 + 1_000)], T0 + 60_000, 200, plain);
  assert.match(a!, /^✓ web {2}dep0000001 {2}active\s+2\.0s {2}http:\/\/127\.0\.0\.1:8100$/);
  assert.match(
    b!,
    /^✗ web {2}dep0000002 {2}checking_readiness\s+1\.0s {2}failed: readiness check timed out after 500 ms$/,
  );
});

test('lines never wrap: the detail is cut to the terminal width with an ellipsis', () => {
  const long = record({ status: 'failed', failureMessage: 'x'.repeat(300) });
  const [line] = renderRows([row(long, T0)], T0, 80, plain);
  assert.is([...line!].length, 79);
  assert.ok(line!.endsWith('…'));
  assert.is(fit('abc', 2), 'a…');
  assert.is(fit('abc', 3), 'abc');
});

test('a failure or probe answer with escape sequences is drawn escaped: it cannot move the cursor between our redraws', () => {
  const bad = record({ status: 'failed', failureMessage: 'exited: \x1b[2J\x1b[1F\rgotcha' });
  const probing = record({
    id: 'dep0000002',
    readiness: {
      attempts: 1,
      recent: [{ at: '2026-04-24T10:00:01.000Z', ok: false, detail: 'GET /ready → 503 \x1b]0;t\x07', latencyMs: 2 }],
    },
  });
  const [a, b] = renderRows([row(bad, T0), row(probing)], T0, 200, plain);
  assert.ok(a!.endsWith('failed: exited: \\x1b[2J\\x1b[1F\\x0dgotcha'), a);
  assert.ok(b!.endsWith('last GET /ready → 503 \\x1b]0;t\\x07'), b);
});

test('the view redraws in place: cursor up over the rows drawn before, each line cleared', () => {
  let written = '';
  const stream = {
    columns: 120,
    write: (s: string) => {
      written += s;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  let now = T0;
  const view = new LiveView(stream, plain, () => now);
  view.set(record({}));
  view.set(record({ id: 'dep0000002', serviceName: 'api' }));
  now += 1_000;
  view.set(record({ status: 'succeeded', promotionStage: 'active' }));
  view.stop();
  const frames = written.split(/(?=\x1b\[\d+F)/);
  assert.ok(frames[0]!.startsWith('\x1b[2K⠋ web'), 'first frame: one row, nothing to go back over');
  assert.ok(frames[1]!.startsWith('\x1b[1F'), 'second frame goes back over one row');
  assert.ok(frames.at(-1)!.startsWith('\x1b[2F'), 'later frames go back over both rows');
  assert.match(frames.at(-1)!, /✓ web\s+dep0000001\s+active\s+1\.0s {2}http:\/\/127\.0\.0\.1:8100\n\x1b\[2K⠋ api/);
});

test.run();
