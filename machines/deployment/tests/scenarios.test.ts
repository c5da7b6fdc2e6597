// The spec's stories, one by one: what the record says and which effects ran.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initialTransition, transition } from 'xstate';
import { deploymentMachine } from '../deployment.machine.js';
import { toRecord } from '../deployment.record.js';
import { replay } from './graph.js';
import { T0, T1, type makeSpec, withReadiness, withoutReadiness, workload, previous } from './fixtures.js';

type Event = { type: string } & Record<string, unknown>;
const done = (id: string, output: object = {}): Event => ({
  type: `xstate.done.actor.${id}`,
  output: { at: T1, ...output },
});
const fail = (id: string, message: string): Event => ({
  type: `xstate.error.actor.${id}`,
  error: Object.assign(new Error(message), { at: T1 }),
});
const attempt = (ok: boolean): Event => ({
  type: 'readiness.attempt',
  at: T1,
  ok,
  detail: ok ? 'GET /ready → 200 OK' : 'GET /ready → 503 Service Unavailable',
  latencyMs: 2,
});
const UP_TO_READINESS: Event[] = [
  { type: 'slot.granted', at: T1 },
  done('build'),
  done('startCandidate', { workload }),
];
const TO_ACTIVE: Event[] = [
  ...UP_TO_READINESS,
  attempt(false),
  attempt(true),
  done('switchRoute', { previous }),
  done('drainPrevious', { drained: true }),
];

async function run(spec: ReturnType<typeof makeSpec>, events: Event[]) {
  const r = await replay({ spec, events });
  const record = toRecord(r.actor.getSnapshot());
  r.actor.stop();
  return { record, effects: r.effects.effectsCalled() };
}

test('initial state: queued for a build slot, stage building, health pending (pure transition)', () => {
  const [snapshot, actions] = initialTransition(deploymentMachine, { spec: withReadiness() });
  const record = toRecord(snapshot);
  assert.equal(
    [record.status, record.promotionStage, record.health, record.isActive],
    ['queued', 'building', 'pending', false],
  );
  assert.ok(
    actions.some((a) => a.type === 'xstate.spawnChild' && (a.params as { src?: string }).src === 'buildSlot'),
    'asks for a build slot',
  );
});

test('a granted slot makes it running (pure transition)', () => {
  const [s0] = initialTransition(deploymentMachine, { spec: withReadiness() });
  const [s1] = transition(deploymentMachine, s0, { type: 'slot.granted', at: T1 });
  assert.equal([toRecord(s1).status, toRecord(s1).promotionStage], ['running', 'building']);
});

test('the spec diagram: building → … → active, succeeded, with the previous drained', async () => {
  const { record, effects } = await run(withReadiness(), TO_ACTIVE);
  assert.equal(
    [record.status, record.promotionStage, record.health, record.isActive],
    ['succeeded', 'active', 'healthy', true],
  );
  assert.equal(
    record.stages.map((s) => `${s.stage}/${s.status}`),
    [
      'building/queued',
      'building/running',
      'starting_candidate/running',
      'checking_readiness/running',
      'switching_route/running',
      'draining_previous/running',
      'active/succeeded',
    ],
  );
  assert.equal(
    [record.createdAt, record.completedAt, record.previousId, record.readiness.attempts],
    [T0, T1, previous.id, 2],
  );
  assert.equal(effects, [
    'buildSlot',
    'build',
    'startCandidate',
    'probeReadiness',
    'watchCandidate',
    'readinessDeadline',
    'switchRoute',
    'drainPrevious',
    'superviseWorkload',
  ]);
});

test('without a readiness block it goes active once the candidate has started', async () => {
  const { record, effects } = await run(withoutReadiness(), [
    ...UP_TO_READINESS,
    done('switchRoute', { previous: null }),
  ]);
  assert.equal([record.status, record.promotionStage, record.health], ['succeeded', 'active', 'healthy']);
  assert.not.ok(effects.includes('probeReadiness'));
  assert.not.ok(record.stages.some((s) => s.stage === 'checking_readiness' || s.stage === 'draining_previous'));
});

test('build failure → failed at building, with the build error; nothing started', async () => {
  const { record, effects } = await run(withReadiness(), [
    { type: 'slot.granted', at: T1 },
    fail('build', 'exit 1: missing script'),
  ]);
  assert.equal([record.status, record.promotionStage, record.health], ['failed', 'building', 'pending']);
  assert.is(record.failureMessage, 'build failed: exit 1: missing script');
  assert.not.ok(effects.includes('startCandidate'));
});

test('readiness timeout → failed, unhealthy, candidate stopped, message says how long and what was seen last', async () => {
  const { record, effects } = await run(withReadiness(), [
    ...UP_TO_READINESS,
    attempt(false),
    { type: 'readiness.timed_out', at: T1, timeoutMs: 5000 },
    done('stopCandidate'),
  ]);
  assert.equal(
    [record.status, record.promotionStage, record.health, record.isActive],
    ['failed', 'checking_readiness', 'unhealthy', false],
  );
  assert.is(
    record.failureMessage,
    'readiness check timed out after 5000 ms (1 attempt; last: GET /ready → 503 Service Unavailable)',
  );
  assert.ok(effects.includes('stopCandidate'));
});

test('candidate exiting during readiness fails at once with the exit code and last error line', async () => {
  const { record } = await run(withReadiness(), [
    ...UP_TO_READINESS,
    { type: 'workload.exited', at: T1, code: 3, signal: null, lastError: 'Error: EADDRINUSE' },
  ]);
  assert.equal([record.status, record.health], ['failed', 'unhealthy']);
  assert.is(record.failureMessage, 'candidate exited with code 3 during checking_readiness: Error: EADDRINUSE');
});

test('a newer deploy supersedes one that has not switched; its message names the newer deployment', async () => {
  const { record } = await run(withReadiness(), [
    { type: 'slot.granted', at: T1 },
    { type: 'deployment.superseded', at: T1, by: 'dep000009' },
  ]);
  assert.equal(
    [record.status, record.promotionStage, record.failureMessage],
    ['failed', 'building', 'superseded by dep000009'],
  );
});

test('the hosting node lost: failed, naming the node and the stage', async () => {
  const { record } = await run(withReadiness(), [
    ...UP_TO_READINESS,
    { type: 'node.lost', at: T1, nodeId: 'node-b', reason: 'lost' },
  ]);
  assert.is(record.failureMessage, 'node node-b lost during checking_readiness');
});

test('after active: superseded by a newer deployment it stays active with isActive=false, and can be promoted again', async () => {
  const replaced: Event = { type: 'deployment.replaced', at: T1, by: 'dep000002', mode: 'deploy' };
  const standby = await run(withReadiness(), [...TO_ACTIVE, replaced]);
  assert.equal(
    [standby.record.status, standby.record.promotionStage, standby.record.isActive, standby.record.replacedBy],
    ['succeeded', 'active', false, 'dep000002'],
  );

  const promoted = await run(withReadiness(), [
    ...TO_ACTIVE,
    replaced,
    { type: 'deployment.promote', at: T1, trigger: 'rollback' },
  ]);
  assert.equal(
    [promoted.record.status, promoted.record.promotionStage, promoted.record.trigger, promoted.record.completedAt],
    ['running', 'starting_candidate', 'rollback', null],
  );
  const back = await run(withReadiness(), [
    ...TO_ACTIVE,
    replaced,
    { type: 'deployment.promote', at: T1, trigger: 'rollback' },
    done('startCandidate', { workload }),
    attempt(true),
    done('switchRoute', { previous }),
    done('drainPrevious', { drained: true }),
  ]);
  assert.equal([back.record.status, back.record.promotionStage, back.record.isActive], ['succeeded', 'active', true]);
  assert.equal(back.effects.filter((e) => e === 'build').length, 1, 'a rollback does not build again');
});

test('replaced by a rollback → rolled_back, not serving', async () => {
  const { record } = await run(withReadiness(), [
    ...TO_ACTIVE,
    { type: 'deployment.replaced', at: T1, by: 'dep000000', mode: 'rollback' },
  ]);
  assert.equal([record.status, record.promotionStage, record.isActive], ['succeeded', 'rolled_back', false]);
});

test('an active workload that crashes is unhealthy until it recovers, and stays the active one', async () => {
  const crashed = await run(withReadiness(), [
    ...TO_ACTIVE,
    { type: 'workload.exited', at: T1, code: 1, signal: null, lastError: null },
  ]);
  assert.equal(
    [crashed.record.health, crashed.record.isActive, crashed.record.status],
    ['unhealthy', true, 'succeeded'],
  );
  const recovered = await run(withReadiness(), [
    ...TO_ACTIVE,
    { type: 'workload.exited', at: T1, code: 1, signal: null, lastError: null },
    { type: 'workload.recovered', at: T1 },
  ]);
  assert.is(recovered.record.health, 'healthy');
});

test.run();
