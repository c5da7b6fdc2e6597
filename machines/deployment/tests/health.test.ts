// Health after the switch and automatic revert, as pure transitions with fake effects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toRecord, regionPaths } from '../deployment.record.js';
import { replay } from './graph.js';
import { T1, makeSpec, workload, previous } from './fixtures.js';

type Event = { type: string } & Record<string, unknown>;
const done = (id: string, output: object = {}): Event => ({
  type: `xstate.done.actor.${id}`,
  output: { at: T1, ...output },
});
const LATE = '2026-01-01T00:02:00.000Z';
const readiness = { path: '/ready', timeoutMs: 5_000 };
const plain = () => makeSpec({ readiness });
const reverting = () => makeSpec({ readiness, autoRevert: { windowMs: 60_000 } });
const TO_ACTIVE: Event[] = [
  { type: 'slot.granted', at: T1 },
  done('build'),
  done('startCandidate', { workload }),
  { type: 'readiness.attempt', at: T1, ok: true, detail: 'GET /ready → 200 OK', latencyMs: 1 },
  done('switchRoute', { previous }),
  done('drainPrevious', { drained: true }),
];
const failed = (at = T1): Event => ({
  type: 'health.failed',
  at,
  detail: 'GET /ready → 500 Internal Server Error',
  nodeId: 'node-a',
});
const exited = (at = T1): Event => ({
  type: 'workload.exited',
  at,
  code: 3,
  signal: null,
  lastError: 'fatal: exiting on purpose',
});

async function run(spec: ReturnType<typeof makeSpec>, events: Event[]) {
  const r = await replay({ spec, events });
  const snapshot = r.actor.getSnapshot();
  r.actor.stop();
  return { record: toRecord(snapshot), stage: regionPaths(snapshot).stage, calls: r.effects.calls };
}

test('a failing health check after the switch: unhealthy and still active; a restart passing readiness is not healthy; passing again is', async () => {
  const bad = await run(plain(), [...TO_ACTIVE, failed()]);
  assert.equal(
    [bad.record.health, bad.record.isActive, bad.record.status, bad.stage],
    ['unhealthy', true, 'succeeded', 'active.serving'],
  );
  const restarted = await run(plain(), [...TO_ACTIVE, failed(), { type: 'workload.recovered', at: T1 }]);
  assert.is(restarted.record.health, 'unhealthy');
  const again = await run(plain(), [...TO_ACTIVE, failed(), { type: 'health.passed', at: T1 }]);
  assert.equal([again.record.health, again.record.isActive], ['healthy', true]);
  assert.not.ok(
    bad.calls.some((c) => c.effect === 'revertPrevious'),
    'no revert without autoRevert',
  );
});

test('autoRevert: failing within the window promotes the previous one; replaced by it, the deployment ends rolled_back saying why', async () => {
  const r = await run(reverting(), [...TO_ACTIVE, failed()]);
  assert.equal(
    [r.stage, r.record.health, r.record.isActive],
    ['active.reverting', 'unhealthy', true],
    'it serves until the previous one has switched',
  );
  const call = r.calls.find((c) => c.effect === 'revertPrevious');
  assert.is(call?.touches, previous.id);
  const end = await run(reverting(), [
    ...TO_ACTIVE,
    failed(),
    done('revertPrevious'),
    { type: 'deployment.replaced', at: T1, by: previous.id, mode: 'auto_revert' },
  ]);
  assert.equal(
    [end.record.promotionStage, end.record.isActive, end.record.replacedBy],
    ['rolled_back', false, previous.id],
  );
  assert.match(
    end.record.failureMessage ?? '',
    /^automatically reverted: health check failed 3 times in a row on node-a 0\.0 s after the switch; last: GET \/ready → 500/,
  );
});

test('autoRevert: a failure after the window, or of a rollback, is only unhealthy', async () => {
  const late = await run(reverting(), [...TO_ACTIVE, failed(LATE)]);
  assert.equal([late.stage, late.record.health], ['active.serving', 'unhealthy']);
  const rolledBack = [
    ...TO_ACTIVE,
    { type: 'deployment.replaced', at: T1, by: 'dep000002', mode: 'deploy' },
    { type: 'deployment.promote', at: T1, trigger: 'rollback' },
  ];
  const again = await run(reverting(), [
    ...rolledBack,
    done('startCandidate', { workload }),
    { type: 'readiness.attempt', at: T1, ok: true, detail: 'ok', latencyMs: 1 },
    done('switchRoute', { previous }),
    done('drainPrevious', { drained: true }),
    failed(),
  ]);
  assert.equal([again.stage, again.record.health], ['active.serving', 'unhealthy']);
});

test('autoRevert: one crash is restarted, a second within the window reverts, naming the exit code and the last stderr line', async () => {
  const once = await run(reverting(), [...TO_ACTIVE, exited()]);
  assert.is(once.stage, 'active.serving');
  const twice = await run(reverting(), [
    ...TO_ACTIVE,
    exited(),
    exited(),
    done('revertPrevious'),
    { type: 'deployment.replaced', at: T1, by: previous.id, mode: 'auto_revert' },
  ]);
  assert.is(twice.record.promotionStage, 'rolled_back');
  assert.match(
    twice.record.failureMessage ?? '',
    /crash-looping 0\.0 s after the switch \(2 exits; last exited with code 3; last stderr: fatal: exiting on purpose\)/,
  );
});

test('autoRevert: the previous one cannot be promoted: the deployment stays active and unhealthy', async () => {
  const err: Event = { type: 'xstate.error.actor.revertPrevious', error: Object.assign(new Error('gone'), { at: T1 }) };
  const r = await run(reverting(), [...TO_ACTIVE, failed(), err]);
  assert.equal([r.stage, r.record.health, r.record.isActive], ['active.serving', 'unhealthy', true]);
});

test.run();
