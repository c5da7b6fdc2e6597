// Prometheus metrics for real: a Prometheus (Debian's) scrapes the node agent and the edge of a local cluster and sees a deploy and its traffic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Project } from '../harness/project.js';
import { freePort } from '../harness/ports.js';
import { tempDir } from '../harness/tmp.js';
import { waitFor } from '../harness/wait.js';
import { webProject } from './apps.js';
import type { DeploymentRecord } from '../../packages/protocol/index.js';

const project = new Project(webProject({ version: 'm1' }));
const prom = tempDir('prometheus-');
let prometheus: ChildProcess | null = null;
let api = '';
let urls: string[] = [];

test.after(async () => {
  prometheus?.kill('SIGKILL');
  await project.remove();
  prom.remove();
});

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
async function query(q: string): Promise<Sample[]> {
  const body = (await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as {
    status: string;
    data: { result: Sample[] };
  };
  assert.is(body.status, 'success', q);
  return body.data.result;
}
const total = (samples: Sample[]) => samples.reduce((n, s) => n + Number(s.value[1]), 0);

test('`compartment nodes` shows a loopback /metrics URL for the node agent and for the edge', async () => {
  await project.up();
  const text = await project.ok(['nodes']);
  assert.match(text.split('\n')[0]!, /\bMETRICS$/);
  urls = [...text.matchAll(/http:\/\/127\.0\.0\.1:\d+\/metrics/g)].map((m) => m[0]);
  assert.is(urls.length, 2, text);
  for (const url of urls) {
    const res = await fetch(url);
    assert.is(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  }
});

test('a real Prometheus finds both targets up and counts a deploy, its durations and its route traffic', async () => {
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  const targets = urls.map((u) => new URL(u).host);
  writeFileSync(
    join(prom.path, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - job_name: compartment`,
      `    static_configs: [{ targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}] }]`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(prom.path, 'data'));
  prometheus = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(prom.path, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(prom.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );

  await project.ok(['deploy']);
  const [web] = await project.json<DeploymentRecord[]>(['status']);
  for (let i = 0; i < 5; i++) assert.is((await fetch(web!.routeUrl!)).status, 200);

  await waitFor(
    'both targets up',
    async () => {
      const body = (await (await fetch(`${api}/api/v1/targets`)).json()) as {
        data: { activeTargets: Array<{ health: string }> };
      };
      return body.data.activeTargets.length === 2 && body.data.activeTargets.every((t) => t.health === 'up');
    },
    60_000,
    500,
  );
  const counted = await waitFor(
    'the deploy counted',
    async () => {
      const s = await query('compartment_deploys_total{environment="production",service="web",status="succeeded"}');
      return total(s) >= 1 ? s : null;
    },
    30_000,
    500,
  );
  assert.is(counted[0]!.metric.trigger, 'deploy');
  await waitFor(
    'the route traffic counted, by environment and service',
    async () => total(await query('caddy_http_requests_total{environment="production",service="web"}')) >= 5,
    30_000,
    500,
  );
  assert.is(
    total(await query('compartment_deployments{service="web",status="succeeded",stage="active",health="healthy"}')),
    1,
  );
  assert.ok(total(await query('compartment_deploy_duration_seconds_count{service="web",status="succeeded"}')) >= 1);
  assert.ok(total(await query('compartment_switch_duration_seconds_count{service="web"}')) >= 1);
  assert.ok(total(await query('compartment_stage_duration_seconds_count{service="web",stage="building"}')) >= 1);
  assert.ok(total(await query('compartment_readiness_attempts_total{service="web"}')) >= 1);
  assert.ok(total(await query('compartment_log_lines_total{stream="compartment"}')) > 0);
  assert.ok(
    total(await query('caddy_http_request_duration_seconds_count{service="web"}')) >= 5,
    'latency histogram per route',
  );
});

test.run();
