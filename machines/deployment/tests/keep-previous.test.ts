// keepPrevious, as pure transitions with fake effects: the replaced workload runs on for the window, then is stopped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toRecord, regionPaths } from '../deployment.record.js';
import { replay } from './graph.js';
import { T1, T_KEPT, type makeSpec, workload, previous, withAutoRevert, withKeepPrevious } from './fixtures.js';

type Event = { type: string } & Record<string, unknown>;
const done = (id: string, output: object = {}): Event => ({
  type: `xstate.done.actor.${id}`,
  output: { at: T1, ...output },
});
const TO_ACTIVE = (keptUntil: string | null): Event[] => [
  { type: 'slot.granted', at: T1 },
  done('build'),
  done('startCandidate', { workload }),
  { type: 'readiness.attempt', at: T1, ok: true, detail: 'GET /ready → 200 OK', latencyMs: 1 },
  done('switchRoute', { previous, keptUntil }),
  done('drainPrevious', { drained: true }),
];
const KEPT: Event = { type: 'deployment.replaced', at: T1, by: 'dep000002', mode: 'deploy', keepUntil: T_KEPT };

async function run(spec: ReturnType<typeof makeSpec>, events: Event[]) {
  const r = await replay({ spec, events });
  const snapshot = r.actor.getSnapshot();
  r.actor.stop();
  return { record: toRecord(snapshot), stage: regionPaths(snapshot).stage, calls: r.effects.calls };
}
const inputOf = (calls: { effect: string; input?: unknown }[], effect: string) =>
  calls.find((c) => c.effect === effect)?.input as Record<string, unknown> | undefined;

test('a deploy with keepPrevious asks its switch to keep the previous for the window, and its drain not to stop it', async () => {
  const r = await run(withKeepPrevious(), TO_ACTIVE(T_KEPT));
  assert.is(inputOf(r.calls, 'switchRoute')?.keepPreviousMs, 60_000);
  assert.is(inputOf(r.calls, 'drainPrevious')?.keptUntil, T_KEPT);
  assert.equal([r.stage, r.record.previousKeptUntil], ['active.serving', T_KEPT]);
  const plain = await run(withAutoRevert(), TO_ACTIVE(null));
  assert.is(inputOf(plain.calls, 'switchRoute')?.keepPreviousMs, null);
  assert.is(inputOf(plain.calls, 'drainPrevious')?.keptUntil, null);
  assert.is(plain.record.previousKeptUntil, null);
});

test('replaced with keepUntil: active.kept, not serving, stopKept waits for that time; then standby', async () => {
  const kept = await run(withAutoRevert(), [...TO_ACTIVE(null), KEPT]);
  assert.equal(
    [kept.stage, kept.record.isActive, kept.record.keptUntil, kept.record.status],
    ['active.kept', false, T_KEPT, 'succeeded'],
  );
  assert.is(inputOf(kept.calls, 'stopKept')?.until, T_KEPT);
  // Its workload runs on without traffic: the record says up, not down.
  assert.ok(kept.record.instances!.list.length > 0);
  assert.ok(
    kept.record.instances!.list.every((i) => i.state === 'ready'),
    'kept instances read ready',
  );
  assert.is(kept.record.instances!.ready, kept.record.instances!.list.length);
  const after = await run(withAutoRevert(), [...TO_ACTIVE(null), KEPT, done('stopKept')]);
  assert.equal([after.stage, after.record.keptUntil], ['active.standby', null]);
  assert.ok(
    after.record.instances!.list.every((i) => i.state === 'down'),
    'stopped: down',
  );
});

test('a kept deployment promoted (auto revert or rollback) starts a fresh promotion; stopKept is not awaited', async () => {
  const r = await run(withAutoRevert(), [
    ...TO_ACTIVE(null),
    KEPT,
    { type: 'deployment.promote', at: T1, trigger: 'auto_revert' },
  ]);
  assert.equal([r.stage, r.record.keptUntil, r.record.trigger], ['starting_candidate.starting', null, 'auto_revert']);
  assert.ok(r.calls.some((c) => c.effect === 'startCandidate' && r.calls.indexOf(c) > 5));
  // A promotion by auto_revert or rollback never keeps the one it replaces.
  const back = await run(withKeepPrevious(), [
    ...TO_ACTIVE(T_KEPT),
    KEPT,
    { type: 'deployment.promote', at: T1, trigger: 'auto_revert' },
    done('startCandidate', { workload }),
    { type: 'readiness.attempt', at: T1, ok: true, detail: 'ok', latencyMs: 1 },
  ]);
  const last = back.calls.filter((c) => c.effect === 'switchRoute').at(-1);
  assert.is((last?.input as { keepPreviousMs: unknown } | undefined)?.keepPreviousMs, null);
});

test('a reverting deployment replaced by a keeping deploy is kept like a serving one', async () => {
  const failed: Event = { type: 'health.failed', at: T1, detail: 'GET /ready → 500', nodeId: 'node-a' };
  const r = await run(withAutoRevert(), [...TO_ACTIVE(null), failed, KEPT]);
  assert.equal([r.stage, r.record.keptUntil], ['active.kept', T_KEPT]);
});

test.run();
