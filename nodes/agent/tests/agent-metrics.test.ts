// The agent's metrics from the records and transitions it sees: a finished deploy counted once, its stages timed, restarts, readiness, log lines.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeploymentRecord, TransitionReport } from '../../../packages/protocol/index.js';
import { AgentMetrics } from '../agent-metrics.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
function record(over: Partial<DeploymentRecord>): DeploymentRecord {
  return {
    id: 'dep000001',
    serviceName: 'web',
    status: 'running',
    health: 'pending',
    promotionStage: 'building',
    isActive: false,
    routeUrl: null,
    failureMessage: null,
    createdAt: at(0),
    completedAt: null,
    environmentName: 'production',
    nodeId: 'n1',
    trigger: 'deploy',
    serviceType: 'web',
    runtime: 'process',
    sourceDigest: 'sha256-x',
    fingerprint: 'f',
    previousId: null,
    replacedBy: null,
    activatedAt: null,
    stages: [],
    readiness: { attempts: 0, recent: [] },
    state: { status: 'running', stage: 'building', health: 'pending' },
    updatedAt: at(0),
    ...over,
  };
}
const value = (text: string, line: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(line))
      ?.split(' ')
      .at(-1) ?? NaN,
  );

test('one finished deploy: counted once with its duration, stage and switch times, readiness attempts and failures', async () => {
  const m = new AgentMetrics('n1');
  const stages = [
    { stage: 'building' as const, status: 'running' as const, at: at(0) },
    { stage: 'starting_candidate' as const, status: 'running' as const, at: at(10) },
    { stage: 'checking_readiness' as const, status: 'running' as const, at: at(11) },
    { stage: 'switching_route' as const, status: 'running' as const, at: at(14) },
    { stage: 'active' as const, status: 'succeeded' as const, at: at(15) },
  ];
  const attempts = [
    { at: at(12), ok: false, detail: '503', latencyMs: 1 },
    { at: at(13), ok: true, detail: '200', latencyMs: 1 },
  ];
  m.recordChanged(record({ stages: stages.slice(0, 3), readiness: { attempts: 1, recent: attempts.slice(0, 1) } }), 2);
  const done = record({
    status: 'succeeded',
    health: 'healthy',
    promotionStage: 'active',
    isActive: true,
    completedAt: at(15),
    stages,
    readiness: { attempts: 2, recent: attempts },
  });
  m.recordChanged(done, 1);
  m.recordChanged(done, 0); // written again: not counted twice
  m.attach(() => [done, { ...done, id: 'other1', nodeId: 'n2' }]);
  const text = await m.render();
  const web = 'environment="production",service="web"';
  assert.is(value(text, `compartment_deploys_total{${web},status="succeeded",trigger="deploy"}`), 1);
  assert.is(value(text, `compartment_deploy_duration_seconds_sum{${web},status="succeeded"}`), 15);
  assert.is(value(text, `compartment_stage_duration_seconds_sum{${web},stage="building"}`), 10);
  assert.is(value(text, `compartment_switch_duration_seconds_sum{${web}}`), 1);
  assert.is(value(text, `compartment_readiness_attempts_total{${web}}`), 2);
  assert.is(value(text, `compartment_readiness_failures_total{${web}}`), 1);
  assert.is(value(text, 'compartment_log_lines_total{stream="compartment"}'), 3);
  assert.is(
    value(text, `compartment_deployments{${web},status="succeeded",stage="active",health="healthy",active="true"}`),
    1,
    'only deployments hosted here',
  );
});

test('a record first seen finished (restored at start) is not counted; a crash while serving counts a restart', async () => {
  const m = new AgentMetrics('n1');
  m.recordChanged(record({ status: 'failed', completedAt: at(3) }), 0);
  m.transition({ event: 'workload.exited' } as TransitionReport, record({}));
  m.transition({ event: 'readiness.attempt' } as TransitionReport, record({}));
  const text = await m.render();
  assert.not.match(text, /^compartment_deploys_total\{/m);
  assert.is(value(text, 'compartment_workload_restarts_total{environment="production",service="web"}'), 1);
});

test.run();
