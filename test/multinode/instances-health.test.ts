// Health after the switch with several instances: a failing one leaves the route while the others serve, is
// restarted on its node, and comes back once it passes again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import type { Project } from '../harness/project.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { startClusterProject } from '../harness/cluster-project.js';
import { waitFor } from '../harness/wait.js';
import { startLoad, type LoadResult } from '../e2e/load.js';
import { WEB_APP } from '../e2e/apps.js';
import { BUCKETS, keys, type DeploymentRecord, type RouteRecord } from '../../packages/protocol/index.js';

const YAML = [
  'services:',
  '  web:',
  '    path: ./app',
  '    start: node server.js',
  '    instances: 3',
  '    readiness: { path: /ready, intervalMs: 50, timeoutMs: 20000 }',
  '    health: { path: /health, intervalMs: 200, failureThreshold: 3 }',
  '    stop: { graceMs: 3000 }',
  '',
].join('\n');

let cluster: LocalCluster;
let project: Project;

test.before(() =>
  setUp().catch((error: unknown) => {
    console.error('setting up failed:', error);
    throw error;
  }),
);
async function setUp(): Promise<void> {
  ({ cluster, project } = await startClusterProject(3, {
    'compartment.yaml': YAML,
    'app/server.js': WEB_APP,
    'app/version.txt': 'v1',
  }));
}
test.after(async () => {
  await project?.remove();
  await cluster?.dispose();
});

test('an instance failing its health check leaves the route, is restarted, and returns; the others serve throughout', async () => {
  await project.ok(['deploy'], { timeoutMs: 180_000 });
  const web = (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.isActive)!;
  const victim = web.instances!.list.find((i) => i.nodeId !== web.nodeId)!;
  // The local cluster's NATS takes no credentials (only `up` makes them).
  const nc = await connect({ servers: cluster.natsUrl.split(',') });
  const kv = await new Kvm(nc).open(BUCKETS.routes);
  const seen: string[][] = [];
  const watcher = await kv.watch({ key: keys.route('production', 'web') });
  void (async () => {
    for await (const e of watcher)
      if (e.operation === 'PUT') seen.push((e.json() as RouteRecord).upstreams.map((u) => `${u.host}:${u.port}`));
  })();
  const load = startLoad(web.routeUrl!, 20);
  const addr = `${victim.host}:${victim.port}`;
  let result: LoadResult;
  try {
    await fetch(`http://${addr}/break`);
    await waitFor(
      'the failing instance left the route',
      () => seen.some((u) => u.length === 2 && !u.includes(addr)),
      30_000,
      50,
    );
    await waitFor(
      'unhealthy',
      async () => (await project.json<DeploymentRecord>(['inspect', web.id])).health === 'unhealthy',
      30_000,
      50,
    ).catch(() => undefined);
    await waitFor(
      'restarted and back in the route',
      () => seen.length > 1 && seen[seen.length - 1]!.length === 3 && seen[seen.length - 1]!.includes(addr),
      60_000,
      100,
    );
  } catch (error) {
    console.log('route upstreams seen:', JSON.stringify(seen));
    throw error;
  } finally {
    result = await load.stop();
    watcher.stop();
    await nc.close();
  }
  const back = await waitFor(
    'healthy again',
    async () => {
      const r = await project.json<DeploymentRecord>(['inspect', web.id]);
      return r.health === 'healthy' ? r : null;
    },
    30_000,
    100,
  );
  assert.equal([back.isActive, back.status], [true, 'succeeded']);
  const events = await project.ok(['logs', '--deployment', web.id, '--stream', 'compartment']);
  assert.match(
    events,
    new RegExp(`health check failed 3 times in a row on ${victim.nodeId} \\(last: GET /health → 500`),
  );
  assert.match(events, new RegExp(`health check passes again on ${victim.nodeId}`));
  assert.equal(
    { errors: result!.errors, timeouts: result!.timeouts, non2xx: result!.non2xx },
    { errors: 0, timeouts: 0, non2xx: 0 },
  );
});

test.run();
