// The audit trail: who asked for each deployment and from which git commit (dirty or not), shown by status --all and inspect, filtered by time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import { Project } from '../harness/project.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project({
  'compartment.yaml': 'services:\n  web:\n    path: ./web\n    start: node server.js\n',
  'web/server.js': "require('node:http').createServer((q, s) => s.end('v1')).listen(Number(process.env.PORT));\n",
  '.gitignore': '.compartment/\n',
});
const git = (...args: string[]) =>
  execFileSync('git', ['-C', project.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    encoding: 'utf8',
  }).trim();
const who = `${userInfo().username}@${hostname()} (compartment-cli)`;
let first: DeploymentRecord;
let second: DeploymentRecord;
let head = '';

test.after(() => project.remove());

test('a deploy from a clean work tree records the user, host, client and commit', async () => {
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'v1');
  head = git('rev-parse', 'HEAD');
  await project.up();
  await project.ok(['deploy']);
  [first] = await project.json<DeploymentRecord[]>(['status']);
  assert.equal(first!.audit, {
    requestedBy: { user: userInfo().username, host: hostname(), client: 'compartment-cli' },
    git: { commit: head, dirty: false },
  });
});

test('an uncommitted change is recorded as dirty at the same commit', async () => {
  project.write({
    'web/server.js': "require('node:http').createServer((q, s) => s.end('v2')).listen(Number(process.env.PORT));\n",
  });
  await project.ok(['deploy']);
  second = (await project.json<DeploymentRecord[]>(['status', '--all'])).find((d) => d.id !== first.id)!;
  assert.equal(second.audit?.git, { commit: head, dirty: true });
});

test('status --all shows BY and COMMIT columns; inspect shows both in full', async () => {
  const table = await project.ok(['status', '--all']);
  assert.match(table.split('\n')[0]!, /\bBY\s+COMMIT\s*$/);
  assert.ok(table.includes(`${who}  ${head.slice(0, 12)}-dirty`), table);
  assert.ok(
    table.includes(`${who}  ${head.slice(0, 12)}\n`) || table.trimEnd().endsWith(`${who}  ${head.slice(0, 12)}`),
    table,
  );
  const page = await project.ok(['inspect', second.id]);
  assert.match(page, new RegExp(`^requested by  ${who.replace(/[().]/g, '\\$&')}$`, 'm'));
  assert.match(page, new RegExp(`^git           ${head}-dirty$`, 'm'));
});

test('status --all filters by service and by creation time (--since, --until)', async () => {
  const between = new Date((Date.parse(first.createdAt) + Date.parse(second.createdAt)) / 2).toISOString();
  const ids = async (...args: string[]) =>
    (await project.json<DeploymentRecord[]>(['status', '--all', '--service', 'web', ...args])).map((d) => d.id).sort();
  assert.equal(await ids(), [first.id, second.id].sort());
  assert.equal(await ids('--since', between), [second.id]);
  assert.equal(await ids('--until', between), [first.id]);
  assert.equal(await ids('--since', '1h'), [first.id, second.id].sort());
  const bad = await project.cli(['status', '--all', '--until', 'yesterday']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /--until "yesterday": expected a duration/);
});

test.run();
