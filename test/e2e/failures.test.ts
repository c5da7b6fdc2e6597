// Failures before the switch: readiness timeout, a candidate that exits, a failing build. The previous one serves on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import { startLoad } from './load.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 'good' }));
let url = '';
let load: ReturnType<typeof startLoad>;

async function failedDeploy(files: Record<string, string>): Promise<{ record: DeploymentRecord; output: string }> {
  project.write(files);
  const r = await project.cli(['deploy']);
  assert.is(r.code, 1, `deploy exits 1 when a deployment failed\n${r.stdout}\n${r.stderr}`);
  const all = await project.json<DeploymentRecord[]>(['status', '--all']);
  const record = all.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]!;
  assert.is(record.status, 'failed');
  assert.match(r.stdout + r.stderr, record.failureMessage!.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return { record, output: r.stdout };
}

async function previousServes(): Promise<void> {
  assert.match(await (await fetch(url)).text(), /^version=good /);
  const active = (await project.json<DeploymentRecord[]>(['status'])).filter((r) => r.isActive);
  assert.is(active.length, 1, 'exactly one active deployment');
}

/** The port a deployment's app listened on, from its own stdout. */
async function portOf(id: string): Promise<number> {
  const out = await waitFor(
    'the app logged its port',
    async () => /listening on (\d+)/.exec(await project.ok(['logs', '--deployment', id, '--stream', 'stdout']))?.[1],
  );
  return Number(out);
}

test.before(async () => {
  url = await project.upAndDeploy();
  load = startLoad(url, 20);
});
test.after(() => project.remove());

test('readiness that never passes → failed after the timeout, candidate stopped, previous serves', async () => {
  const { record } = await failedDeploy(
    webProject({
      version: 'never',
      variables: { NEVER_READY: '1' },
      readiness: '{ path: /ready, intervalMs: 100, timeoutMs: 2000 }',
    }),
  );
  assert.equal([record.promotionStage, record.health], ['checking_readiness', 'unhealthy']);
  assert.match(
    record.failureMessage!,
    /^readiness check timed out after 2000 ms \(\d+ attempts; last: GET \/ready → 503 Service Unavailable\)$/,
  );
  const port = await portOf(record.id);
  await waitFor(
    'the candidate stopped',
    () =>
      fetch(`http://127.0.0.1:${port}/`).then(
        () => false,
        () => true,
      ),
    10_000,
  );
  await previousServes();
});

test('a candidate that exits during readiness fails at once (not after the timeout) with its exit code', async () => {
  const { record } = await failedDeploy(
    webProject({
      version: 'crashy',
      variables: { EXIT_AFTER_MS: '300', READY_AFTER_MS: '60000' },
      readiness: '{ path: /ready, intervalMs: 100, timeoutMs: 60000 }',
    }),
  );
  assert.is(record.failureMessage, 'candidate exited with code 3 during checking_readiness: fatal: exiting on purpose');
  const probing = record.stages.find((s) => s.stage === 'checking_readiness')!;
  const waited = Date.parse(record.completedAt!) - Date.parse(probing.at);
  assert.ok(waited < 10_000, `failed ${waited} ms into a 60 s readiness timeout`);
  await previousServes();
});

test('a failing build → failed with its message; nothing else changed', async () => {
  const { record } = await failedDeploy(
    webProject({ version: 'broken', build: `sh -c 'echo compiling; echo "error: missing module foo" >&2; exit 7'` }),
  );
  assert.equal([record.promotionStage, record.health], ['building', 'pending']);
  assert.is(record.failureMessage, 'build failed: exit code 7: error: missing module foo');
  const stderr = await project.ok(['logs', '--deployment', record.id, '--stream', 'stderr']);
  assert.match(stderr, /\[stderr\]\s+error: missing module foo/);
  await previousServes();
});

test('no request failed while the failing deployments came and went', async () => {
  const r = await load.stop();
  assert.ok(r.requests > 100, `${r.requests} requests`);
  assert.equal({ errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx }, { errors: 0, timeouts: 0, non2xx: 0 });
});

test.run();
