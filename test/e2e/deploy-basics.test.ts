// A first deploy goes active and its route answers; status and inspect tell the truth in the spec's fields.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { webProject } from './apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { SPEC_FIELDS, DeploymentRecord as RecordSchema } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 'v1', variables: { GREETING: 'hi' } }));

test.after(() => project.remove());

test('an invalid compartment.yaml exits 2 naming the field, and creates nothing', async () => {
  await project.up();
  const good = project.dir;
  const cases: Array<[string, RegExp]> = [
    [
      'services:\n  web:\n    path: ./web\n    start: node server.js\n    colour: blue\n',
      /services\.web\.colour: unknown field/,
    ],
    ['services:\n  Web_1:\n    start: node server.js\n', /services\.Web_1: invalid name/],
    [
      'services:\n  web:\n    start: node server.js\n    readiness: { path: /ready, intervalMs: fast }\n',
      /services\.web\.readiness\.intervalMs: expected number/,
    ],
  ];
  for (const [yaml, message] of cases) {
    project.write({ 'compartment.yaml': yaml });
    const r = await project.cli(['deploy']);
    assert.is(r.code, 2, `exit code for ${message}`);
    assert.match(r.stderr, message);
  }
  const status = await project.json<DeploymentRecord[]>(['status', '--all']);
  assert.equal(status, [], 'no deployment was created');
  project.write(webProject({ version: 'v1', variables: { GREETING: 'hi' } }));
  assert.is(project.dir, good);
});

test('deploy → active; the route answers from the new build', async () => {
  const out = await project.ok(['deploy']);
  assert.match(out, /succeeded/);
  const [web] = await project.json<DeploymentRecord[]>(['status']);
  assert.ok(web);
  const body = await (await fetch(web.routeUrl!)).text();
  assert.match(body, /^version=v1 pid=\d+$/);
});

test('status and inspect carry the spec fields with the spec values', async () => {
  const [web] = await project.json<DeploymentRecord[]>(['status']);
  assert.ok(web);
  for (const field of SPEC_FIELDS) assert.ok(field in web, `status has ${field}`);
  assert.equal(
    [
      web.serviceName,
      web.status,
      web.health,
      web.promotionStage,
      web.isActive,
      web.failureMessage,
      web.environmentName,
    ],
    ['web', 'succeeded', 'healthy', 'active', true, null, 'production'],
  );
  assert.match(web.routeUrl!, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(Date.parse(web.completedAt!) >= Date.parse(web.createdAt));
  const detail = await project.json<DeploymentRecord>(['inspect', web.id]);
  assert.ok(RecordSchema.safeParse(detail).success, 'inspect --json is a full record');
  assert.equal(
    detail.stages.map((s) => s.stage),
    ['building', 'building', 'starting_candidate', 'checking_readiness', 'switching_route', 'active'],
  );
  assert.ok(detail.readiness.attempts >= 1 && detail.readiness.recent.at(-1)!.detail === 'GET /ready → 200 OK');
  assert.equal(detail.state, { status: 'succeeded', stage: 'active.serving', health: 'healthy' });
  const text = await project.ok(['inspect', web.id]);
  assert.match(text, /checking_readiness/);
  assert.match(text, /GET \/ready → 200 OK/);
});

test('an unchanged service is not deployed again; --force deploys it anyway', async () => {
  const again = await project.ok(['deploy']);
  assert.match(again, /unchanged/);
  assert.is((await project.json<DeploymentRecord[]>(['status', '--all'])).length, 1);
  await project.ok(['deploy', '--force']);
  assert.is((await project.json<DeploymentRecord[]>(['status', '--all'])).length, 2);
});

test.run();
