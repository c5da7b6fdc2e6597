// `inspect --chart`: Mermaid that Mermaid's own parser (in headless Chromium) accepts, marking the right states; and Graphviz.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Browser, Page } from 'playwright-core';
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { deploymentMachine } from '../../machines/deployment/index.js';
import { Project } from '../harness/project.js';
import { checkMermaid, launchChromium, mermaidPage } from '../dashboard/chromium.js';
import { jsonLines, webFiles } from './inspect-project.js';

const project = new Project(webFiles({ version: 'v1' }));
let browser: Browser | null = null;
let page: Page;
const ids: { ok: string; failed: string } = { ok: '', failed: '' };

test.after(async () => {
  await browser?.close();
  await project.remove();
});

type StateNode = { id: string; key: string; states: Record<string, StateNode> };
const allNodes = (n: StateNode): StateNode[] => [n, ...Object.values(n.states).flatMap(allNodes)];
const chartId = (n: StateNode) => n.id.replace(/[^A-Za-z0-9]/g, '_');

async function deploy(): Promise<DeploymentRecord> {
  const lines = jsonLines((await project.cli(['deploy', '--json'], { timeoutMs: 60_000 })).stdout);
  const finished = lines.find((l) => l.type === 'deploy.finished') as { deployments: DeploymentRecord[] };
  return finished.deployments[0]!;
}

test('setup: one deployment that succeeded and one that failed its readiness check', async () => {
  await project.up();
  ids.ok = (await deploy()).id;
  project.write(webFiles({ version: 'v2', neverReady: true, timeoutMs: 500 }));
  const failed = await deploy();
  assert.is(failed.status, 'failed');
  ids.failed = failed.id;
  browser = await launchChromium();
  page = await mermaidPage(browser);
});

test('--chart prints Mermaid stateDiagram-v2 that mermaid.parse accepts, every state of the machine in it', async () => {
  const chart = await project.ok(['inspect', ids.ok, '--chart']);
  assert.ok(chart.startsWith('stateDiagram-v2\n'));
  const check = await checkMermaid(page, chart);
  assert.is(check.error, null, `Mermaid rejects the chart: ${check.error}`);
  assert.is(check.diagramType, 'stateDiagram');
  // Generated from the definition: each state node of the machine is declared, under its own key.
  for (const node of allNodes(deploymentMachine.root as unknown as StateNode)) {
    assert.ok(chart.includes(`state "${node.key}" as ${chartId(node)}\n`), `declares ${node.id}`);
  }
});

test('the succeeded deployment has exactly its three current leaf states marked', async () => {
  const check = await checkMermaid(page, await project.ok(['inspect', ids.ok, '--chart', 'mermaid']));
  assert.equal(check.currentLeaves, [
    'deployment_health_healthy',
    'deployment_stage_active_serving',
    'deployment_status_succeeded',
  ]);
});

test('the failed deployment is marked where it stopped: checking_readiness.halted, failed, unhealthy', async () => {
  const record = await project.json<DeploymentRecord>(['inspect', ids.failed]);
  assert.equal(record.state, { status: 'failed', stage: 'checking_readiness.halted', health: 'unhealthy' });
  const check = await checkMermaid(page, await project.ok(['inspect', ids.failed, '--chart']));
  assert.is(check.error, null);
  assert.equal(check.currentLeaves, [
    'deployment_health_unhealthy',
    'deployment_stage_checking_readiness_halted',
    'deployment_status_failed',
  ]);
});

test('a chart with a syntax error is rejected by the same check (the parser is really used)', async () => {
  const broken = (await project.ok(['inspect', ids.ok, '--chart'])).replace(
    'state deployment_stage {',
    'state deployment_stage {{',
  );
  assert.ok((await checkMermaid(page, broken)).error !== null);
});

test('--chart dot prints a Graphviz digraph with the current leaves filled', async () => {
  const dot = await project.ok(['inspect', ids.ok, '--chart', 'dot']);
  assert.match(dot, /^digraph deployment \{\n/);
  assert.match(dot, /\}\n$/);
  assert.is((dot.match(/\{/g) ?? []).length, (dot.match(/\}/g) ?? []).length, 'balanced braces');
  const filled = [...dot.matchAll(/^\s*(\w+) \[label="[^"]*", style="rounded,filled"/gm)].map((m) => m[1]).sort();
  assert.equal(filled, ['deployment_health_healthy', 'deployment_stage_active_serving', 'deployment_status_succeeded']);
  for (const line of dot.split('\n').filter((l) => l.includes('->')))
    assert.match(line, /^\s+\w+ -> \w+ \[label="[^"]+"(, [a-z]+=cluster_\w+)*\];$/);
});

test('--chart --json is one object; an unknown format exits 2', async () => {
  const [reply] = jsonLines(await project.ok(['inspect', ids.ok, '--chart', 'dot', '--json']));
  assert.is(reply!.format, 'dot');
  assert.match(String(reply!.chart), /^digraph/);
  const bad = await project.cli(['inspect', ids.ok, '--chart', 'svg']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /expected mermaid \(the default\) or dot/);
});

test.run();
