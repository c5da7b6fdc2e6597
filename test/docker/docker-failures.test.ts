// Docker failures before the switch fail with Docker's (or the container's) own words; the previous container serves on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { startLoad } from '../e2e/load.js';
import { LABELS } from '../../packages/docker-driver/index.js';
import type { DeploymentRecord, LogLine } from '../../packages/protocol/index.js';
import { DOCKERFILE, dockerProject, withBusybox } from './docker-apps.js';
import { containersOf, nodeIdOf, removeDockerObjects } from './docker-fixture.js';

const project = new Project(dockerProject({ version: 'good' }));
withBusybox(project);
let nodeId: string | null = null;
let url = '';
let load: ReturnType<typeof startLoad>;

async function failedDeploy(files: Record<string, string>): Promise<DeploymentRecord> {
  project.write(files);
  const r = await project.cli(['deploy']);
  assert.is(r.code, 1, `deploy exits 1 when a deployment failed\n${r.stdout}\n${r.stderr}`);
  const all = await project.json<DeploymentRecord[]>(['status', '--all']);
  const record = all.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]!;
  assert.is(record.status, 'failed');
  return record;
}

async function previousServes(): Promise<void> {
  assert.is((await (await fetch(url)).text()).trim(), 'version=good');
  const active = (await project.json<DeploymentRecord[]>(['status'])).filter((r) => r.isActive);
  assert.is(active.length, 1, 'exactly one active deployment');
  const running = (await containersOf(nodeId!, { [LABELS.service]: 'web' })).filter((c) => c.State === 'running');
  assert.equal(
    running.map((c) => c.Labels[LABELS.deployment]),
    [active[0]!.id],
    'only the active container runs',
  );
}

test.before(async () => {
  await project.up();
  nodeId = nodeIdOf(project.dir);
  await project.ok(['deploy']);
  url = (await project.json<DeploymentRecord[]>(['status']))[0]!.routeUrl!;
  load = startLoad(url, 20);
});
test.after(async () => {
  await load?.stop().catch(() => undefined);
  await project.remove();
  await removeDockerObjects(nodeId);
});

test("a Dockerfile Docker refuses → failed with Docker's message; the previous container still serves", async () => {
  const record = await failedDeploy({ 'web/Dockerfile': 'FROM scratch\nFOO bar\n' });
  assert.equal([record.promotionStage, record.health], ['building', 'pending']);
  assert.is(record.failureMessage, 'build failed: dockerfile parse error line 2: unknown instruction: FOO');
  await previousServes();
});

test("a failing build step → failed with Docker's message; the step's output is on the stdout stream", async () => {
  const record = await failedDeploy({
    'web/Dockerfile': `${DOCKERFILE}RUN ["/bin/sh", "-c", "echo missing module foo >&2; exit 7"]\n`,
  });
  assert.is(
    record.failureMessage,
    "build failed: The command '/bin/sh -c echo missing module foo >&2; exit 7' returned a non-zero code: 7",
  );
  const stdout = await project.ok(['logs', '--deployment', record.id, '--stream', 'stdout', '--tail', '1000']);
  assert.match(stdout, /\[stdout\]\s+missing module foo\n/, 'the colour codes Docker adds are gone');
  await previousServes();
});

test('a container that exits during readiness → failed at its exit (not at the 60 s timeout), with its exit code; it is removed', async () => {
  const record = await failedDeploy({
    ...dockerProject({
      version: 'crashy',
      variables: { CRASH_AFTER_S: '1' },
      readiness: '{ path: /ready, intervalMs: 100, timeoutMs: 60000 }',
    }),
    'web/Dockerfile': DOCKERFILE,
  });
  assert.is(record.failureMessage, 'candidate exited with code 3 during checking_readiness: fatal: exiting on purpose');
  // The container wrote its last line just before it exited: Docker's timestamp of that line is the exit, give or take.
  const lines = (await project.ok(['logs', '--deployment', record.id, '--stream', 'stderr', '--json']))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogLine);
  const last = lines.find((l) => l.text === 'fatal: exiting on purpose');
  assert.ok(last, 'the exit message reached the stderr stream');
  // Docker itself reports an exit only after tearing down the container's network (~0.3 s here, more under load):
  // the bound is the readiness timeout the failure must not wait for, the latency is printed.
  const noticedMs = Date.parse(record.completedAt!) - Date.parse(last.time);
  console.log(`  failed ${noticedMs} ms after the container's last line`);
  assert.ok(noticedMs >= 0 && noticedMs < 10_000, `failed ${noticedMs} ms into a 60 s readiness timeout`);
  await waitFor(
    'the crashed container removed',
    async () => (await containersOf(nodeId!, { [LABELS.deployment]: record.id })).length === 0,
    10_000,
  );
  await previousServes();
});

test('no request failed while the failing deployments came and went', async () => {
  const r = await load.stop();
  assert.ok(r.requests > 100, `${r.requests} requests`);
  assert.equal({ errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx }, { errors: 0, timeouts: 0, non2xx: 0 });
});

test.run();
