// A project the workload user cannot enter (like one under /root): releases move to /var/lib/compartment, still private.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { FALLBACK_RELEASES, lookupUser } from '../../packages/process-driver/index.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { nodeIdOf } from '../docker/docker-fixture.js';
import { proberProject, type AttackReport } from './prober-app.js';

const project = new Project(proberProject());
let moved = '';
test.after(async () => {
  await project.remove();
  if (moved) rmSync(moved, { recursive: true, force: true });
});

test('a 0700 project dir: the deployment still runs as compartment-run, from a release under /var/lib/compartment', async () => {
  chmodSync(project.dir, 0o700);
  const routeUrl = await project.upAndDeploy();
  moved = join(FALLBACK_RELEASES, nodeIdOf(project.dir));
  const [web] = await project.json<DeploymentRecord[]>(['status']);
  const app = join(moved, 'releases/production/web', web!.id, 'app');
  assert.ok(existsSync(app), `the release is under ${moved}`);
  assert.match(project.log('node'), /cannot reach .*: process releases go to \/var\/lib\/compartment\/releases\//);
  for (const d of ['/var/lib/compartment', FALLBACK_RELEASES, moved])
    assert.is(statSync(d).mode & 0o777, 0o711, `${d} is traverse-only`);
  const me = (await (await fetch(`${routeUrl}/whoami`)).json()) as { uid: number; cwd: string };
  assert.is(me.uid, lookupUser('compartment-run')!.uid);
  assert.is(me.cwd, app);
  const files = [
    join(project.dir, '.compartment/cluster.json'),
    join(moved, 'releases/production/web', web!.id, 'workload.json'),
  ];
  const report = (await (
    await fetch(`${routeUrl}/attack`, { method: 'POST', body: JSON.stringify({ files, dirs: [moved] }) })
  ).json()) as AttackReport;
  assert.equal(Object.values(report.files), ['EACCES', 'EACCES']);
  assert.equal(Object.values(report.dirs), ['EACCES'], 'other releases cannot be listed');
});

test.run();
