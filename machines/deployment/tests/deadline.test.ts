// checking_readiness cannot wait forever: the machine's own deadline, a throwing probe, and bounded failure texts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromCallback, type AnyStateMachine } from 'xstate';
import { MAX_MESSAGE_CHARS, TRUNCATED_MARKER } from '../../../packages/protocol/index.js';
import { toRecord } from '../deployment.record.js';
import { replay } from './graph.js';
import { FakeEffects, flush } from './fake-effects.js';
import { T1, T_DEADLINE, withReadiness, workload } from './fixtures.js';

type Event = { type: string } & Record<string, unknown>;
const done = (id: string, output: object = {}): Event => ({
  type: `xstate.done.actor.${id}`,
  output: { at: T1, ...output },
});
const TO_PROBING: Event[] = [{ type: 'slot.granted', at: T1 }, done('build'), done('startCandidate', { workload })];

async function recordAfter(events: Event[]) {
  const r = await replay({ spec: withReadiness(), events });
  const record = toRecord(r.actor.getSnapshot());
  const effects = r.effects.effectsCalled();
  r.actor.stop();
  return { record, effects };
}

test('the deadline effect is invoked with the absolute deadline: stage entry time + timeoutMs', async () => {
  const effects = new FakeEffects();
  const seen: unknown[] = [];
  const machine = effects
    .machine()
    .provide({ actors: { readinessDeadline: fromCallback(({ input }) => void seen.push(input)) as never } });
  const actor = createActor(machine as AnyStateMachine, { input: { spec: withReadiness() } });
  actor.start();
  for (const e of TO_PROBING) effects.deliver(e, (x) => actor.send(x as never)), await flush();
  assert.equal(
    seen.map((i) => (i as { deadline: string }).deadline),
    [T_DEADLINE],
  );
  actor.stop();
});

test('a deadline event before the deadline changes nothing; at the deadline the deployment fails and the candidate stops', async () => {
  const early = await recordAfter([...TO_PROBING, { type: 'readiness.deadline', at: T1 }]);
  assert.equal([early.record.status, early.record.state.stage], ['running', 'checking_readiness.probing']);

  const late = await recordAfter([
    ...TO_PROBING,
    { type: 'readiness.deadline', at: T_DEADLINE },
    done('stopCandidate'),
  ]);
  assert.equal(
    [late.record.status, late.record.promotionStage, late.record.health],
    ['failed', 'checking_readiness', 'unhealthy'],
  );
  assert.is(late.record.failureMessage, 'readiness check timed out after 5000 ms (0 attempts)');
  assert.ok(late.effects.includes('stopCandidate'), 'the candidate is stopped');
});

test('a probe effect that throws fails the deployment at once, naming the error (a real throwing callback)', async () => {
  const effects = new FakeEffects();
  const throwing = fromCallback(() => {
    throw new Error('Request path contains unescaped characters');
  });
  const machine = effects.machine().provide({ actors: { probeReadiness: throwing as never } });
  const actor = createActor(machine as AnyStateMachine, { input: { spec: withReadiness() } });
  actor.start();
  for (const e of TO_PROBING) effects.deliver(e, (x) => actor.send(x as never)), await flush();
  effects.deliver(done('stopCandidate'), (x) => actor.send(x as never));
  await flush();
  const record = toRecord(actor.getSnapshot());
  assert.equal([record.status, record.state.stage], ['failed', 'checking_readiness.halted']);
  assert.is(record.failureMessage, 'readiness probe failed: Request path contains unescaped characters');
  actor.stop();
});

test('a probe that hangs after restore still fails: the deadline effect is re-invoked from the persisted snapshot', async () => {
  const r = await replay({ spec: withReadiness(), events: TO_PROBING });
  const persisted = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot()));
  r.actor.stop();
  const effects = new FakeEffects();
  const actor = createActor(
    effects.machine() as AnyStateMachine,
    { snapshot: persisted, input: { spec: withReadiness() } } as never,
  );
  actor.start();
  await flush();
  assert.ok(effects.running.has('readinessDeadline'), 'the deadline effect runs again after the restore');
  effects.deliver({ type: 'readiness.deadline', at: T_DEADLINE }, (x) => actor.send(x as never));
  await flush();
  assert.is(toRecord(actor.getSnapshot()).status, 'failed');
  actor.stop();
});

test('a version-1 snapshot (no deadline effect among its children) restores into probing and still ends by the probe timeout', async () => {
  const r = await replay({ spec: withReadiness(), events: TO_PROBING });
  const persisted = JSON.parse(JSON.stringify(r.actor.getPersistedSnapshot()));
  r.actor.stop();
  delete persisted.children.readinessDeadline;
  const effects = new FakeEffects();
  const actor = createActor(
    effects.machine() as AnyStateMachine,
    { snapshot: persisted, input: { spec: withReadiness() } } as never,
  );
  actor.start();
  await flush();
  assert.is(toRecord(actor.getSnapshot()).state.stage, 'checking_readiness.probing');
  effects.deliver({ type: 'readiness.timed_out', at: T_DEADLINE, timeoutMs: 5_000 }, (x) => actor.send(x as never));
  await flush();
  assert.is(toRecord(actor.getSnapshot()).status, 'failed');
  actor.stop();
});

test('failure messages and readiness details are truncated with a marker', async () => {
  const long = 'x'.repeat(MAX_MESSAGE_CHARS * 3);
  const attempt = { type: 'readiness.attempt', at: T1, ok: false, detail: long, latencyMs: 1 };
  const { record } = await recordAfter([
    ...TO_PROBING,
    attempt,
    { type: 'workload.exited', at: T1, code: 1, signal: null, lastError: long },
  ]);
  assert.is(record.readiness.recent[0]!.detail.length, MAX_MESSAGE_CHARS);
  assert.ok(record.readiness.recent[0]!.detail.endsWith(TRUNCATED_MARKER));
  assert.is(record.failureMessage!.length, MAX_MESSAGE_CHARS);
  assert.ok(record.failureMessage!.endsWith(TRUNCATED_MARKER));
});

test.run();
