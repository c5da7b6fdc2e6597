// Logs: the spec's sequence for a real deploy on three streams, --json ids, --follow latency, and a flood that loses nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { Project } from '../harness/project.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import type { DeploymentRecord, LogLine } from '../../packages/protocol/index.js';
import { connectCluster, readLogs, type ClusterConnection } from '../../cluster/index.js';

const BIN = new URL('../../../bin/compartment.js', import.meta.url).pathname;
const files = webProject({ version: 'l1', build: 'echo "> web@1.0.0 build"; echo "bundling…"' });
const project = new Project({
  ...files,
  'compartment.yaml': `${files['compartment.yaml']}  flood:
    type: worker
    path: ./web
    start: node server.js
    variables: { FLOOD_LINES: "100000" }
`,
});
let web: DeploymentRecord;
let conn: ClusterConnection | null = null;

test.before(async () => {
  await project.up();
  await project.ok(['deploy', '--service', 'web']);
  project.write({ 'web/version.txt': 'l2' });
  await project.ok(['deploy', '--service', 'web']);
  web = (await project.json<DeploymentRecord[]>(['status'])).find((r) => r.serviceName === 'web' && r.isActive)!;
});
test.after(async () => {
  await conn?.close();
  await project.remove();
});

test("a deploy's lines follow the spec's example, in order, on the three streams", async () => {
  const text = await project.ok(['logs', '--deployment', web.id]);
  const expected = [
    /^\S+Z \[compartment\] deployment \w+ created for service web$/m,
    /^\S+Z \[compartment\] stage: building$/m,
    /^\S+Z \[stdout\] {6}> web@1\.0\.0 build$/m,
    /^\S+Z \[compartment\] build complete$/m,
    /^\S+Z \[compartment\] stage: starting_candidate$/m,
    /^\S+Z \[compartment\] stage: checking_readiness$/m,
    /^\S+Z \[compartment\] GET \/ready → 200 OK$/m,
    /^\S+Z \[compartment\] stage: switching_route$/m,
    /^\S+Z \[compartment\] stage: draining_previous$/m,
    /^\S+Z \[compartment\] stage: active — deployment succeeded$/m,
  ];
  let from = 0;
  for (const re of expected) {
    const m = re.exec(text.slice(from));
    assert.ok(m, `expected ${re} after position ${from} in:\n${text}`);
    from += m!.index + m![0].length;
  }
  assert.match(text, /^\S+Z \[stdout\] {6}listening on \d+ version l2$/m, 'the app prints on stdout');
  assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /, 'second-precision UTC times as in the spec');
});

test('--json prints one object per line with time, stream, deployment id, service and environment', async () => {
  const lines = (await project.ok(['logs', '--deployment', web.id, '--json']))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LogLine);
  assert.ok(lines.length >= 10);
  for (const l of lines) {
    assert.equal([l.deploymentId, l.serviceName, l.environmentName], [web.id, 'web', 'production']);
    assert.ok(['compartment', 'stdout', 'stderr'].includes(l.stream) && !Number.isNaN(Date.parse(l.time)));
  }
  const times = lines.map((l) => l.time);
  assert.equal(times, [...times].sort(), 'in time order');
});

test('--follow prints a line the app writes, as it happens', async () => {
  const follow = spawn(
    process.execPath,
    [BIN, 'logs', '--follow', '--service', 'web', '--stream', 'stdout', '--tail', '0'],
    { cwd: project.dir },
  );
  let out = '';
  follow.stdout.on('data', (d) => (out += d));
  try {
    // The follower starts from the stream's end once its first request is answered, which takes a while under load:
    // a marker sent before that is rightly not followed. So one is sent each second until one shows up.
    const sent = new Map<string, number>();
    const seen = await waitFor(
      'a marker line',
      async () => {
        const marker = `marker-${Date.now()}`;
        sent.set(marker, Date.now());
        assert.is(
          await (await fetch(`${web.routeUrl}/echo?text=${marker}`)).text(),
          'ok',
          "the echo reached this test's app",
        );
        const deadline = Date.now() + 1000;
        while (Date.now() < deadline) {
          const hit = [...sent.keys()].find((m) => out.includes(m));
          if (hit) return hit;
          await sleep(10);
        }
        return null;
      },
      30_000,
      0,
    );
    console.log(`  follow latency: ${Date.now() - sent.get(seen)!} ms`);
    assert.match(out, new RegExp(`\\[stdout\\]\\s+${seen}$`, 'm'));
  } finally {
    follow.kill('SIGINT');
  }
});

test('a flood of 100k lines from one service: every line arrives, no platform event is lost, the other service deploys', async () => {
  conn = await connectCluster({
    servers: project.context().natsUrl,
    name: 'logs-test',
    nats: project.natsOptions('node'),
  });
  const flooding = project.ok(['deploy', '--service', 'flood']);
  project.write({ 'web/version.txt': 'l3' });
  const webDeploy = project.ok(['deploy', '--service', 'web']);
  await Promise.all([flooding, webDeploy]);
  const all = await project.json<DeploymentRecord[]>(['status']);
  const flood = all.find((r) => r.serviceName === 'flood')!;
  const web3 = all.find((r) => r.serviceName === 'web' && r.isActive)!;
  assert.is(web3.status, 'succeeded');
  const floodLines = await waitFor(
    '100k flood lines in the log stream',
    async () => {
      // More than `logs --tail` allows (10,000): read straight from the log stream, as the API's reader does.
      const { lines: read } = await readLogs(conn!, { deploymentId: flood.id, stream: 'stdout' }, { tail: 200_000 });
      const lines = read.flatMap((l) => /^flood line (\d+)$/.exec(l.text)?.[1] ?? []).map(Number);
      return lines.length >= 100_000 ? lines : null;
    },
    60_000,
    500,
  );
  assert.is(floodLines.length, 100_000, 'no line lost or repeated');
  assert.ok(
    floodLines.every((n, i) => n === i + 1),
    'every line, in order',
  );
  const detail = await project.json<DeploymentRecord>(['inspect', web3.id]);
  const events = await project.ok(['logs', '--deployment', web3.id, '--stream', 'compartment', '--tail', '1000']);
  const stageLines = events
    .split('\n')
    .filter((l) => / stage: | deployment failed: | waiting for a build slot/.test(l));
  assert.is(stageLines.length, detail.stages.length, 'one platform line per stage change, none lost');
  assert.is(
    (events.match(/GET \/ready → /g) ?? []).length,
    detail.readiness.attempts,
    'every readiness attempt logged',
  );
});

test.run();
