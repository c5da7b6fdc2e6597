// Environments keep their own deployments, routes and variables; secrets reach the app and no output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Project } from '../harness/project.js';
import { webProject } from './apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const SECRET = 's3cr3t-value-7f1c';
const base = webProject({ version: 'e1' });
const project = new Project({
  ...base,
  'compartment.yaml': `environments:\n  staging:\n    variables: { GREETING: "from staging", LEVEL: debug }\n${base['compartment.yaml']}`,
});

const envOf = async (url: string) => (await (await fetch(`${url}/env`)).json()) as Record<string, string>;
const activeIn = async (env: string) =>
  (await project.json<DeploymentRecord[]>(['status', '--env', env])).find((r) => r.isActive)!;

test.before(() => project.up().then(() => undefined));
test.after(() => project.remove());

test('the same service in production and staging runs twice, with separate routes and variables', async () => {
  await project.ok(['deploy']);
  await project.ok(['deploy', '--env', 'staging']);
  const prod = await activeIn('production');
  const staging = await activeIn('staging');
  assert.is.not(prod.routeUrl, staging.routeUrl);
  assert.is.not(prod.id, staging.id);
  assert.equal(
    [(await envOf(staging.routeUrl!)).GREETING, (await envOf(staging.routeUrl!)).LEVEL],
    ['from staging', 'debug'],
  );
  assert.is((await envOf(prod.routeUrl!)).GREETING, undefined);
  assert.equal(
    (await project.json<DeploymentRecord[]>(['status'])).map((r) => r.environmentName),
    ['production'],
  );
});

test('an environment not in compartment.yaml is created by its first deploy; a bad name is refused', async () => {
  await project.ok(['deploy', '--env', 'preview-1']);
  assert.is((await activeIn('preview-1')).status, 'succeeded');
  const bad = await project.cli(['deploy', '--env', 'Preview_2']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--env/);
});

test('a secret set with env set --secret reaches the app on the next deploy, and appears in no output', async () => {
  const outputs: string[] = [];
  const run = async (args: string[]) => {
    const out = await project.ok(args);
    outputs.push(out);
    return out;
  };
  await run(['env', 'set', `API_KEY=${SECRET}`, '--secret', '--env', 'staging']);
  await run(['env', 'set', 'PLAIN=visible', '--env', 'staging']);
  const list = await run(['env', 'list', '--env', 'staging']);
  assert.match(list, /API_KEY/);
  assert.match(list, /PLAIN\s+visible/);
  const deployOut = await run(['deploy', '--env', 'staging']);
  assert.not.match(deployOut, /unchanged/, 'a changed variable makes the service affected');
  const staging = await activeIn('staging');
  const env = await envOf(staging.routeUrl!);
  assert.equal([env.API_KEY, env.PLAIN], [SECRET, 'visible']);
  await run(['status', '--env', 'staging', '--all']);
  await run(['status', '--env', 'staging', '--json']);
  await run(['inspect', staging.id]);
  await run(['inspect', staging.id, '--json']);
  await run(['env', 'list', '--env', 'staging', '--json']);
  await run(['logs', '--env', 'staging', '--stream', 'compartment', '--tail', '10000']);
  await run(['logs', '--env', 'staging', '--stream', 'compartment', '--tail', '10000', '--json']);
  for (const out of outputs) assert.not.ok(out.includes(SECRET), `the secret leaked into:\n${out}`);
});

test('unset removes a variable at the next deploy', async () => {
  await project.ok(['env', 'unset', 'PLAIN', '--env', 'staging']);
  await project.ok(['deploy', '--env', 'staging']);
  assert.is((await envOf((await activeIn('staging')).routeUrl!)).PLAIN, undefined);
});

test.run();
