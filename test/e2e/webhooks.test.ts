// Webhooks (`notify:`): a real cluster posts signed deliveries to a local receiver for success, failure (retried after
// the receiver fails twice) and rollback; the HMAC key is an environment secret the workloads never get.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import type { DeploymentRecord, WebhookBody } from '../../packages/protocol/index.js';

const KEY = 'webhook-key-never-in-a-workload';
const got: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
/** Statuses the receiver answers with, in order, before it answers 200. */
const failFirst: number[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    got.push({ headers: req.headers, body });
    res.writeHead(failFirst.shift() ?? 200).end();
  });
});
let hookUrl = '';
let project: Project;

function withNotify(files: Record<string, string>): Record<string, string> {
  const yaml = `notify:\n  - url: ${hookUrl}\n    secret: HOOK_KEY\n${files['compartment.yaml']}`;
  return { ...files, 'compartment.yaml': yaml };
}

/** Verified deliveries of one event: every one must carry a valid signature. */
function deliveries(event: string): Array<{ id: string; body: WebhookBody }> {
  return got
    .filter((g) => g.headers['x-compartment-event'] === event)
    .map((g) => {
      const expected = `sha256=${createHmac('sha256', KEY).update(`${g.headers['x-compartment-timestamp']}.${g.body}`).digest('hex')}`;
      assert.is(g.headers['x-compartment-signature'], expected, 'signed with the secret');
      return { id: String(g.headers['x-compartment-delivery']), body: JSON.parse(g.body) as WebhookBody };
    });
}

test.before(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  project = new Project(withNotify(webProject({ version: 'one' })));
  await project.up();
});

test.after(async () => {
  receiver.close();
  await project.remove();
});

test('a notify target whose secret is not set: deploy exits 2 naming the field, nothing is created', async () => {
  const r = await project.cli(['deploy']);
  assert.is(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /notify\.0\.secret: no secret HOOK_KEY is set in environment production/);
  assert.equal(await project.json<DeploymentRecord[]>(['status', '--all']), []);
});

test('a deploy that succeeds is posted, signed, with its record; the workload does not get the key', async () => {
  await project.ok(['env', 'set', 'HOOK_KEY', '--secret'], { input: `${KEY}\n` });
  await project.ok(['deploy']);
  const [active] = await project.json<DeploymentRecord[]>(['status']);
  const [d] = await waitFor('a succeeded delivery', () =>
    deliveries('succeeded').length > 0 ? deliveries('succeeded') : null,
  );
  assert.equal(
    [d!.body.event, d!.body.deploymentId, d!.body.service, d!.body.environment, d!.body.record.isActive],
    ['succeeded', active!.id, 'web', 'production', true],
  );
  const env = (await (await fetch(`${active!.routeUrl}/env`)).json()) as Record<string, string>;
  assert.not.ok('HOOK_KEY' in env, 'the webhook key is not in the workload environment');
  assert.not.ok(JSON.stringify(env).includes(KEY));
});

test('a failed deploy is posted even when the receiver fails twice first (one delivery id, three attempts)', async () => {
  failFirst.push(503, 500);
  project.write(
    withNotify(
      webProject({
        version: 'two',
        variables: { NEVER_READY: '1' },
        readiness: '{ path: /ready, intervalMs: 100, timeoutMs: 1500 }',
      }),
    ),
  );
  assert.is((await project.cli(['deploy'])).code, 1);
  const failed = await waitFor(
    'a delivered failure',
    () => {
      const seen = deliveries('failed');
      return seen.length >= 3 ? seen : null;
    },
    20_000,
  );
  assert.is(failed.length, 3, 'two refused attempts, then one accepted');
  assert.is(new Set(failed.map((f) => f.id)).size, 1, 'every retry carries the same delivery id');
  assert.is(failed[0]!.body.record.status, 'failed');
});

test('a rollback posts rolled_back for the deployment it replaces', async () => {
  project.write(withNotify(webProject({ version: 'three' })));
  await project.ok(['deploy']);
  const [three] = await project.json<DeploymentRecord[]>(['status']);
  await project.ok(['rollback', '--service', 'web']);
  const [rolled] = await waitFor('a rolled_back delivery', () =>
    deliveries('rolled_back').length > 0 ? deliveries('rolled_back') : null,
  );
  assert.is(rolled!.body.deploymentId, three!.id);
  assert.is(rolled!.body.record.promotionStage, 'rolled_back');
  // The deployment rolled back to succeeds again: a new delivery, not a repeat a receiver would drop.
  const ids = deliveries('succeeded').map((d) => d.id);
  assert.is(new Set(ids).size, ids.length);
});

test.run();
