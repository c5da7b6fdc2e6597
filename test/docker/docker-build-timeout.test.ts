// A Docker build that hangs (RUN sleep 3600) fails by the service's buildTimeoutMs; the build is cancelled, the previous container serves on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { DOCKERFILE, dockerProject, withBusybox } from './docker-apps.js';
import { nodeIdOf, removeDockerObjects } from './docker-fixture.js';

const project = new Project(dockerProject({ version: 'good' }));
withBusybox(project);
let nodeId: string | null = null;

test.before(async () => {
  await project.up();
  nodeId = nodeIdOf(project.dir);
  await project.ok(['deploy']);
});
test.after(async () => {
  await project.remove();
  await removeDockerObjects(nodeId);
});

/** Containers (build steps included) whose command sleeps for an hour: only our hung step does. */
const hungSteps = () =>
  execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', 'status=running'])
    .toString()
    .split('\n')
    .filter(Boolean)
    .filter((id) =>
      /sleep 3600|sleep","3600/.test(
        execFileSync('docker', ['inspect', '--format', '{{json .Config.Cmd}}', id]).toString(),
      ),
    );

test('RUN sleep 3600 with buildTimeoutMs 3000 → failed at building by the timeout; the step is stopped; the previous serves', async () => {
  project.write({
    ...dockerProject({ version: 'hung', extra: ['    buildTimeoutMs: 3000'] }),
    'web/Dockerfile': `${DOCKERFILE}RUN ["/bin/sleep", "3600"]\n`,
  });
  const r = await project.cli(['deploy'], { timeoutMs: 120_000 });
  assert.is(r.code, 1, `${r.stdout}\n${r.stderr}`);
  const record = (await project.json<DeploymentRecord[]>(['status', '--all'])).sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  )[0]!;
  assert.equal([record.status, record.promotionStage], ['failed', 'building']);
  assert.is(
    record.failureMessage,
    "build failed: timed out after 3000 ms (buildTimeoutMs); the build's processes were killed",
  );
  await waitFor('the hung build step is stopped', () => hungSteps().length === 0, 30_000, 500);
  const active = (await project.json<DeploymentRecord[]>(['status'])).filter((d) => d.isActive);
  assert.is(active.length, 1);
  assert.is((await (await fetch(active[0]!.routeUrl!)).text()).trim(), 'version=good');
});

test.run();
