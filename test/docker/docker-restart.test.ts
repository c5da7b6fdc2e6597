// A node agent killed and restarted with Docker workloads: deployments finish, containers are reconciled, output resumes whole.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { startLoad } from '../e2e/load.js';
import { LABELS, containerName, imageTag, labelsOf } from '../../packages/docker-driver/index.js';
import type { DeploymentRecord, LogLine } from '../../packages/protocol/index.js';
import { dockerProject, withBusybox } from './docker-apps.js';
import { containersOf, docker, nodeIdOf, removeDockerObjects } from './docker-fixture.js';

const project = new Project(dockerProject({ version: 'v1', variables: { TICK: '1' } }));
withBusybox(project);
let nodeId: string | null = null;
let url = '';
let previousId = '';
let firstKillAt = 0;

const served = async () => (await (await fetch(url)).text()).trim();
const activeRecord = async () => (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;

/** SIGKILLs the node agent (doing `meanwhile` while it is frozen) and waits until the restarted one answers. */
async function killAgent(meanwhile?: () => Promise<void>): Promise<void> {
  const pid = project.context().children.node!;
  try {
    if (meanwhile) {
      process.kill(pid, 'SIGSTOP');
      await meanwhile();
    }
  } finally {
    process.kill(pid, 'SIGKILL');
  }
  await project.restarted('node', pid);
  await waitFor('the restarted agent answers', () => project.json<DeploymentRecord[]>(['status']), 30_000, 200);
}

async function tickLines(id: string): Promise<LogLine[]> {
  const out = await project.ok(['logs', '--deployment', id, '--stream', 'stdout', '--tail', '10000', '--json']);
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => /^tick \d+$/.test(l.text));
}

function findFile(dir: string, name: string): string | null {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === name) return path;
    if (statSync(path).isDirectory()) {
      const found = findFile(path, name);
      if (found) return found;
    }
  }
  return null;
}

const ticksOf = async (id: string) => (await tickLines(id)).map((l) => Number(l.text.slice('tick '.length)));

test.before(async () => {
  await project.up();
  nodeId = nodeIdOf(project.dir);
  await project.ok(['deploy']);
  url = (await activeRecord()).routeUrl!;
});
test.after(async () => {
  await project.remove();
  await removeDockerObjects(nodeId);
});

test('agent SIGKILLed mid-deploy and restarted: the deployment finishes, the previous one serves throughout, nothing orphaned', async () => {
  previousId = (await activeRecord()).id;
  const load = startLoad(url, 20);
  project.write(dockerProject({ version: 'v2', variables: { TICK: '1', READY_AFTER_S: '3' } }));
  const deploying = project.cli(['deploy']);
  const inReadiness = await waitFor(
    'a deployment in checking_readiness',
    async () =>
      (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.promotionStage === 'checking_readiness'),
    30_000,
  );
  firstKillAt = Date.now();
  await killAgent();
  const final = await waitFor(
    'the deployment ended',
    async () => {
      const r = await project.json<DeploymentRecord>(['inspect', inReadiness.id]).catch(() => null);
      return r && (r.status === 'succeeded' || r.status === 'failed') ? r : null;
    },
    60_000,
  );
  assert.is(final.status, 'succeeded', `ended ${final.status}: ${final.failureMessage}`);
  assert.is((await deploying).code, 0, 'the waiting deploy command saw it succeed');
  const r = await load.stop();
  assert.equal({ errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx }, { errors: 0, timeouts: 0, non2xx: 0 });
  assert.is(await served(), 'version=v2');
  const containers = await waitFor(
    'only the new container left',
    async () => {
      const all = await containersOf(nodeId!);
      return all.length === 1 ? all : null;
    },
    20_000,
  );
  assert.equal([containers[0]!.Labels[LABELS.deployment], containers[0]!.State], [final.id, 'running']);
});

test("output resumes after the agent's restarts without repeats or gaps, even with its cursor lost", async () => {
  const active = await activeRecord();
  await waitFor('ticks flowing', async () => (await ticksOf(active.id)).length >= 20, 20_000, 200);
  // The worst case of a crash between publishing lines and saving the cursor: no cursor at all. The resumed follower
  // reads the container's output from its start and must recognise every line the log stream already has.
  const cursor = findFile(join(project.dir, '.compartment'), `${active.id}.json`);
  assert.ok(cursor, 'the follower keeps a cursor file');
  await killAgent(async () => rmSync(cursor));
  const before = Math.max(...(await ticksOf(active.id)));
  await waitFor('ticks flowing again', async () => Math.max(...(await ticksOf(active.id))) >= before + 40, 30_000, 200);
  const ticks = await ticksOf(active.id);
  const expected = Array.from({ length: Math.max(...ticks) }, (_, i) => i + 1);
  // This container's output lived through two agent restarts: one in readiness (previous test), one active without a cursor.
  assert.equal(ticks, expected, `${ticks.length} tick lines`);
  // The previous deployment, still active at the kill, was adopted by the restarted agent and followed until it was stopped.
  const previous = await tickLines(previousId);
  const lastAt = Date.parse(previous.at(-1)!.time);
  assert.ok(
    lastAt > firstKillAt + 1000,
    `the previous container's output was followed after the restart until it stopped`,
  );
  const numbers = previous.map((l) => Number(l.text.slice('tick '.length)));
  assert.equal(
    numbers,
    Array.from({ length: Math.max(...numbers) }, (_, i) => i + 1),
  );
});

test('a running container of a failed deployment is an orphan: removed when the agent starts', async () => {
  project.write(
    dockerProject({
      version: 'v3',
      variables: { READY_AFTER_S: '60' },
      readiness: '{ path: /ready, intervalMs: 100, timeoutMs: 1000 }',
    }),
  );
  assert.is((await project.cli(['deploy'])).code, 1);
  const failed = (await project.json<DeploymentRecord[]>(['status', '--all'])).sort((a, b) =>
    b.createdAt.localeCompare(a.createdAt),
  )[0]!;
  assert.is(failed.status, 'failed');
  const key = { env: 'production', service: 'web', deploymentId: failed.id };
  await waitFor(
    'the failed candidate removed',
    async () => (await containersOf(nodeId!, { [LABELS.deployment]: failed.id })).length === 0,
    20_000,
    200,
  );
  await killAgent(async () => {
    // While the agent is frozen, its failed deployment's container is running again (as if its cleanup never ran).
    const c = await docker.createContainer({
      name: containerName(key),
      Image: imageTag(key),
      Labels: labelsOf(nodeId!, key),
      HostConfig: { Init: true },
    });
    await c.start();
  });
  await waitFor(
    'the orphan removed',
    async () => (await containersOf(nodeId!, { [LABELS.deployment]: failed.id })).length === 0,
    20_000,
    200,
  );
  assert.match(project.log('node'), new RegExp(`stopping workload of deployment ${failed.id} \\(orphaned\\)`));
  assert.is(await served(), 'version=v2');
});

test('an active container that vanished while the agent was down is started again, on the port its route points at', async () => {
  const active = await activeRecord();
  const [old] = await containersOf(nodeId!, { [LABELS.deployment]: active.id });
  await killAgent(async () => {
    await docker.getContainer(old!.Id).remove({ force: true });
  });
  assert.is(await waitFor('the route answers again', () => served().catch(() => null), 30_000, 200), 'version=v2');
  const [now] = await containersOf(nodeId!, { [LABELS.deployment]: active.id });
  assert.ok(now && now.Id !== old!.Id && now.State === 'running', 'a new container for the same deployment');
  assert.is(
    now.Ports.find((p) => p.PublicPort)?.PublicPort,
    old!.Ports.find((p) => p.PublicPort)?.PublicPort,
    'published on the same host port',
  );
  const after = await waitFor(
    'healthy again',
    async () => {
      const r = await project.json<DeploymentRecord>(['inspect', active.id]);
      return r.health === 'healthy' ? r : null;
    },
    20_000,
  );
  assert.equal([after.isActive, after.promotionStage], [true, 'active']);
});

test.run();
