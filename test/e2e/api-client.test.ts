// examples/clients/deploy-directory.mjs, a plain nats.js client, deploys a directory to a real cluster with the cli role's credentials.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Project } from '../harness/project.js';
import { DeploymentRecord } from '../../packages/protocol/index.js';

const CLIENT = fileURLToPath(new URL('../../../examples/clients/deploy-directory.mjs', import.meta.url));
const exec = promisify(execFile);
const project = new Project({
  'compartment.yaml': 'services:\n  web:\n    path: ./app\n    start: node server.js\n',
  'app/server.js':
    "require('node:http').createServer((q, s) => s.end('from the example client')).listen(Number(process.env.PORT));\n",
});

test.after(() => project.remove());

async function runClient(config: string) {
  const context = await project.context();
  const env = {
    ...process.env,
    COMPARTMENT_NATS_URL: context.natsUrl,
    COMPARTMENT_NATS_CREDS: project.credsFile('cli'),
  };
  try {
    return {
      code: 0,
      ...(await exec(process.execPath, [CLIENT, `${project.dir}/app`, 'hello', config], { env, timeout: 120_000 })),
    };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('the client uploads, deploys, follows to the end and prints a valid record; the route answers', async () => {
  await project.up();
  const r = await runClient('{"start":"node server.js","readiness":{"path":"/","intervalMs":50}}');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /uploaded .* as sha256-[0-9a-f]{64}/);
  const record = DeploymentRecord.parse(JSON.parse(r.stdout));
  assert.equal(
    [record.serviceName, record.status, record.promotionStage, record.isActive],
    ['hello', 'succeeded', 'active', true],
  );
  assert.is(await (await fetch(record.routeUrl!)).text(), 'from the example client');
  assert.is(record.audit?.requestedBy?.client, 'deploy-directory.mjs', 'the client is recorded as the one who asked');
  assert.is(record.audit?.git, null, 'a client that sends no commit records none');
  const [listed] = await project.json<Array<{ id: string }>>(['status', '--service', 'hello']);
  assert.is(listed!.id, record.id, 'the CLI sees what the client deployed');
});

test('a bad config is refused with the coded error, naming the field', async () => {
  const r = await runClient('{"start":"node server.js","colour":"blue"}');
  assert.is(r.code, 1);
  assert.match(r.stderr, /error: INVALID_ARGUMENT: .*colour/);
});

test.run();
