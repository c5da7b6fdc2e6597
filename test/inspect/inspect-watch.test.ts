// `inspect --watch` against a real cluster: every transition of a deploy, in order, live until the deployment is done.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { SECRET, jsonLines, webFiles } from './inspect-project.js';
import { startCli, type LiveCli } from './live-cli.js';

interface Report {
  id: string;
  seq: number;
  nodeId: string;
  event: string;
  raised: string[];
  data: Record<string, unknown> | null;
  before: DeploymentRecord['state'] | null;
  after: DeploymentRecord['state'];
  at: string;
}

const project = new Project({});
const flag = join(project.dir, 'go-ahead');
project.write(webFiles({ version: 'v1', readyWhenFile: flag }));
const watches: LiveCli[] = [];
let firstId = '';
let firstReports: Report[] = [];

test.after(async () => {
  for (const w of watches) w.child.kill('SIGKILL');
  await project.remove();
});

const reportsOf = (stdout: string) => jsonLines(stdout).filter((l) => typeof l.seq === 'number') as unknown as Report[];
const topStages = (reports: Report[]) =>
  reports.map((r) => r.after.stage.split('.')[0]).filter((s, i, all) => i === 0 || s !== all[i - 1]);

async function deployDetached(): Promise<string> {
  const accepted = jsonLines(await project.ok(['deploy', '--detach', '--json'])).find(
    (l) => l.type === 'deploy.accepted',
  ) as { deployments: DeploymentRecord[] };
  return accepted.deployments[0]!.id;
}

test('inspect --watch receives every transition of a real deploy in order, and ends when it succeeds', async () => {
  await project.up();
  firstId = await deployDetached();
  const watch = startCli(['inspect', firstId, '--watch', '--json'], project.dir);
  watches.push(watch);
  // The deploy cannot finish before the flag file exists: whatever comes after it must have come live.
  await waitFor(
    'a failed readiness attempt on the watch',
    () => reportsOf(watch.lines().join('\n') + '\n').some((r) => r.event === 'readiness.attempt'),
    30_000,
  );
  const before = reportsOf(watch.lines().join('\n') + '\n').length;
  writeFileSync(flag, 'go');
  const done = await watch.done;
  assert.is(done.code, 0, done.stderr);

  const reports = reportsOf(done.stdout);
  firstReports = reports;
  assert.ok(reports.length > before, 'transitions kept arriving after the watch had started');
  assert.equal(
    reports.map((r) => r.seq),
    reports.map((_, i) => i + 1),
    'numbered 1..n: none missing, none twice',
  );
  assert.ok(reports.every((r) => r.id === firstId));
  assert.is(reports[0]!.event, 'xstate.init');
  assert.is(reports[0]!.before, null);
  assert.equal(reports[0]!.after, { status: 'queued', stage: 'building.slot.queued', health: 'pending' });
  for (let i = 1; i < reports.length; i++) {
    assert.equal(reports[i]!.before, reports[i - 1]!.after, `#${i + 1} starts where #${i} ended`);
    assert.ok(Date.parse(reports[i]!.at) >= Date.parse(reports[i - 1]!.at), `#${i + 1} is not older than #${i}`);
  }
  assert.equal(topStages(reports), [
    'building',
    'starting_candidate',
    'checking_readiness',
    'switching_route',
    'active',
  ]);
  assert.ok(
    reports.some((r) => r.event === 'slot.granted' && r.raised.includes('status.running')),
    'raised events are reported',
  );

  const record = await project.json<DeploymentRecord>(['inspect', firstId]);
  const attempts = reports.filter((r) => r.event === 'readiness.attempt');
  assert.is(attempts.length, record.readiness.attempts, 'one transition per readiness attempt');
  assert.ok(attempts.slice(0, -1).every((a) => a.data?.ok === false) && attempts.at(-1)!.data?.ok === true);
  assert.equal(reports.at(-1)!.after, record.state, 'the last transition is the state the record shows');
  assert.equal(record.state, { status: 'succeeded', stage: 'active.serving', health: 'healthy' });
  const finished = jsonLines(done.stdout).find((l) => l.type === 'inspect.finished') as {
    status: string;
    deployment: DeploymentRecord;
  };
  assert.is(finished.status, 'succeeded');
  assert.is(finished.deployment.routeUrl, record.routeUrl);
  assert.not.ok(done.stdout.includes(SECRET), 'no variable value is ever published');
});

test('--watch of a finished deployment prints the whole journal and returns at once', async () => {
  const r = await project.cli(['inspect', firstId, '--watch', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(reportsOf(r.stdout), firstReports);
  const text = await project.ok(['inspect', firstId, '--watch']);
  assert.match(text, /#1\s+start\s+(.*\s)?status queued · stage building\.slot\.queued · health pending/);
  assert.match(
    text,
    /readiness\.attempt .*\(ready, \d+ ms\)\s+stage checking_readiness\.probing → switching_route\.switching · health pending → healthy/,
  );
  assert.match(text, /succeeded: http:\/\/127\.0\.0\.1:\d+\n$/);
});

test('a failing deploy: --watch shows the timeout transition, the failure, and exits 1', async () => {
  project.write(webFiles({ version: 'v2', readyWhenFile: join(project.dir, 'never'), timeoutMs: 600 }));
  const id = await deployDetached();
  const r = await project.cli(['inspect', id, '--watch'], { timeoutMs: 60_000 });
  assert.is(r.code, 1, r.stdout + r.stderr);
  // The probe's own timeout and the statechart's deadline race to the same transition; either may be the one shown.
  assert.match(
    r.stdout,
    /readiness\.(timed_out|deadline) .*status running → failed · stage checking_readiness\.probing → checking_readiness\.cleanup · health pending → unhealthy/,
  );
  assert.match(r.stdout, /failed: readiness check timed out after 600 ms/);
  assert.not.ok(r.stdout.includes(SECRET));
  const record = await project.json<DeploymentRecord>(['inspect', id]);
  assert.is(record.status, 'failed');
});

test('bad input: an unknown deployment and a bad chart format fail without watching', async () => {
  const missing = await project.cli(['inspect', 'nosuchdeployment', '--watch']);
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /no deployment nosuchdeployment/);
  const both = await project.cli(['inspect', firstId, '--watch', '--chart']);
  assert.is(both.code, 2);
  assert.match(both.stderr, /cannot be combined/);
});

test.run();
