// runtime: docker end to end: a FROM-scratch busybox image built from the uploaded source, run, routed, redeployed under load.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { startLoad } from '../e2e/load.js';
import { LABELS } from '../../packages/docker-driver/index.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { dockerProject, withBusybox } from './docker-apps.js';
import { containersOf, docker, imagesOf, nodeIdOf, removeDockerObjects } from './docker-fixture.js';

const app = (version: string) =>
  dockerProject({
    version,
    variables: { GREETING: 'hello' },
    extra: ['    port: 8081', '    resources: { memoryMb: 64, cpus: 0.5 }'],
  });
const project = new Project(app('v1'));
withBusybox(project);
let nodeId: string | null = null;
let url = '';

const active = async () => (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
const served = async () => (await (await fetch(url)).text()).trim();

test.before(async () => {
  await project.up();
  nodeId = nodeIdOf(project.dir);
});
test.after(async () => {
  await project.remove();
  await removeDockerObjects(nodeId);
});

test('build FROM scratch with busybox httpd → active; the route answers; build output on the stdout stream', async () => {
  await project.ok(['deploy']);
  const web = await active();
  assert.equal([web.status, web.promotionStage, web.health], ['succeeded', 'active', 'healthy']);
  url = web.routeUrl!;
  assert.is(await served(), 'version=v1');
  const events = await project.ok(['logs', '--deployment', web.id, '--stream', 'compartment', '--tail', '1000']);
  assert.match(events, /build: docker build -f Dockerfile \(image compartment\/production\/web:\w+\)/);
  assert.match(events, /build complete/);
  assert.match(events, /started container \w{12} from compartment\/production\/web:\w+ \(127\.0\.0\.1:\d+ → 8081\)/);
  const stdout = await project.ok(['logs', '--deployment', web.id, '--stream', 'stdout', '--tail', '1000']);
  assert.match(stdout, /\[stdout\]\s+Step 1\/\d+ : FROM scratch/);
  assert.match(stdout, /Successfully tagged compartment\/production\/web:/);
  // The container's own output, demultiplexed: stdout here, stderr there.
  assert.match(stdout, /\[stdout\]\s+starting version v1 on port 8081/);
  assert.not.match(stdout, /to stderr: serving/);
  const stderr = await project.ok(['logs', '--deployment', web.id, '--stream', 'stderr']);
  assert.match(stderr, /\[stderr\]\s+to stderr: serving/);
});

test('the image is tagged per deployment and labelled; the container runs with docker-init, the variables, limits and a loopback port', async () => {
  const web = await active();
  const images = await imagesOf(nodeId!, { [LABELS.deployment]: web.id });
  assert.is(images.length, 1);
  assert.equal(images[0]!.RepoTags, [`compartment/production/web:${web.id}`]);
  assert.equal([images[0]!.Labels[LABELS.env], images[0]!.Labels[LABELS.service]], ['production', 'web']);
  const [c] = await containersOf(nodeId!, { [LABELS.deployment]: web.id });
  const info = await docker.getContainer(c!.Id).inspect();
  assert.is(info.HostConfig.Init, true);
  assert.ok(
    info.Config.Env.includes('GREETING=hello') && info.Config.Env.includes('PORT=8081'),
    info.Config.Env.join(' '),
  );
  assert.equal([info.HostConfig.Memory, info.HostConfig.NanoCpus], [64 * 1024 * 1024, 500_000_000]);
  const binding = info.HostConfig.PortBindings['8081/tcp'][0];
  assert.is(binding.HostIp, '127.0.0.1');
});

test('redeploys under 50 keep-alive connections: 0 failed requests; each old container is stopped and removed', async () => {
  const load = startLoad(url, 50);
  for (let i = 2; i <= 4; i++) {
    project.write(app(`v${i}`));
    await project.ok(['deploy']);
  }
  const result = await load.stop();
  console.log(`  ${result.requests} requests during 3 redeploys`);
  assert.ok(result.requests > 500, `load actually ran (${result.requests} requests)`);
  assert.equal(
    { errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
  assert.is(await served(), 'version=v4');
  const containers = await containersOf(nodeId!, { [LABELS.service]: 'web' });
  assert.equal(
    containers.map((c) => c.Labels[LABELS.deployment]),
    [(await active()).id],
    'one container: the active one',
  );
  // Images stay for rollback.
  assert.is((await imagesOf(nodeId!, { [LABELS.service]: 'web' })).length, 4);
});

test.run();
