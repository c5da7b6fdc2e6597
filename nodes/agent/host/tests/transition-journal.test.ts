// The transition journal: numbered per deployment, bounded, and never carrying variable values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor } from 'xstate';
import { FakeEffects } from '../../../../machines/deployment/tests/fake-effects.js';
import { T1, withReadiness, workload } from '../../../../machines/deployment/tests/fixtures.js';
import { TransitionJournal, eventData, transitionObserver, type TransitionReport } from '../transition-journal.js';

const S = { status: 'queued', stage: 'building.slot.queued', health: 'pending' };
const base = { event: 'slot.granted', raised: [], data: null, before: S, after: S, at: '2026-04-24T10:00:00.000Z' };

test('reports are numbered 1, 2, 3 per deployment and carry the node', () => {
  const j = new TransitionJournal('n1');
  assert.is(j.add({ ...base, id: 'a' }).seq, 1);
  assert.is(j.add({ ...base, id: 'b' }).seq, 1);
  const third = j.add({ ...base, id: 'a' });
  assert.is(third.seq, 2);
  assert.is(third.nodeId, 'n1');
  assert.equal(
    j.of('a')!.map((r) => r.seq),
    [1, 2],
  );
  assert.is(j.of('nope'), null);
});

test('bounded: the last 500 reports of a deployment, the 200 most recently active deployments', () => {
  const j = new TransitionJournal('n1');
  for (let i = 0; i < 520; i++) j.add({ ...base, id: 'busy' });
  assert.is(j.of('busy')!.length, 500);
  assert.is(j.of('busy')![0]!.seq, 21);
  for (let i = 0; i < 200; i++) j.add({ ...base, id: `d${i}` });
  assert.is(j.of('busy'), null, 'the least recently active one fell out');
  assert.ok(j.of('d0') && j.of('d199'));
});

test('event data: effect results, error text, event fields; never the init input or variable values', () => {
  assert.is(eventData({ type: 'xstate.init', input: { spec: { variables: { TOKEN: 'secret' } } } }), null);
  assert.equal(eventData({ type: 'xstate.error.actor.build', error: new Error('exit 1') }), { error: 'exit 1' });
  assert.equal(eventData({ type: 'xstate.done.actor.build', output: { at: 't' } }), { at: 't' });
  assert.equal(
    eventData({ type: 'readiness.attempt', at: 't', ok: true, detail: 'GET /ready → 200 OK', latencyMs: 3 }),
    { at: 't', ok: true, detail: 'GET /ready → 200 OK', latencyMs: 3 },
  );
  assert.equal(eventData({ type: 'x', nested: { variables: { TOKEN: 'secret' } } }), {
    nested: { variables: '[redacted]' },
  });
  assert.equal(eventData({ type: 'x', blob: 'y'.repeat(2000) }), {
    truncated: JSON.stringify({ blob: 'y'.repeat(2000) }).slice(0, 1000),
  });
  assert.is(eventData({ type: 'status.running' }), null);
});

type Seen = Omit<TransitionReport, 'id' | 'seq' | 'nodeId'>;
const tick = () => new Promise((r) => setTimeout(r, 5));

test('one report per macrostep of a real actor: raised events, unhandled events and the stop left out', async () => {
  const fx = new FakeEffects();
  const seen: Seen[] = [];
  const actor = createActor(fx.machine(), { input: { spec: withReadiness() } });
  actor.system.inspect(transitionObserver(actor, null, false, (r) => seen.push(r)));
  actor.start();
  fx.running.get('buildSlot')!({ type: 'slot.granted', at: T1 });
  fx.pending.get('build')!.resolve({ at: T1 });
  await tick();
  actor.send({ type: 'workload.recovered', at: T1 } as never); // nothing handles it here: no transition
  fx.pending.get('startCandidate')!.resolve({ at: T1, workload });
  await tick();
  actor.stop();
  assert.equal(
    seen.map((r) => r.event),
    ['xstate.init', 'slot.granted', 'xstate.done.actor.build', 'xstate.done.actor.startCandidate'],
  );
  assert.is(seen[0]!.before, null);
  assert.equal(seen[1]!.raised, ['status.running']);
  for (let i = 1; i < seen.length; i++) assert.equal(seen[i]!.before, seen[i - 1]!.after);
  assert.is(seen.at(-1)!.after.stage, 'checking_readiness.probing');
});

test('a restored actor starts its chain with a null before and says it was restored; a woken one skips its start', async () => {
  const fx = new FakeEffects();
  const first = createActor(fx.machine(), { input: { spec: withReadiness() } }).start();
  fx.running.get('buildSlot')!({ type: 'slot.granted', at: T1 });
  const snapshot = first.getPersistedSnapshot();
  first.stop();
  const stored = { status: 'running', stage: 'building.slot.running', health: 'pending' };

  const restored: Seen[] = [];
  const again = createActor(fx.machine(), { snapshot } as never);
  again.system.inspect(transitionObserver(again, stored, false, (r) => restored.push(r)));
  again.start();
  assert.equal(
    restored.map((r) => [r.event, r.before, r.data]),
    [['xstate.init', null, { restored: true }]],
  );
  assert.equal(restored[0]!.after, stored);
  again.stop();

  const woken: Seen[] = [];
  const third = createActor(fx.machine(), { snapshot } as never);
  third.system.inspect(transitionObserver(third, stored, true, (r) => woken.push(r)));
  third.start();
  fx.pending.get('build')!.resolve({ at: T1 });
  await tick();
  third.stop();
  assert.equal(
    woken.map((r) => r.event),
    ['xstate.done.actor.build'],
  );
  assert.equal(woken[0]!.before, stored, 'the chain goes on from the state it was woken in');
});

test.run();
