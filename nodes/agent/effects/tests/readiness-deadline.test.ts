// The agent's readiness deadline timer against the real machine: a probe that never reports still fails the deployment.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromCallback, type AnyStateMachine } from 'xstate';
import { toRecord } from '../../../../machines/deployment/index.js';
import { FakeEffects, flush } from '../../../../machines/deployment/tests/fake-effects.js';
import { makeSpec, workload } from '../../../../machines/deployment/tests/fixtures.js';
import { readinessDeadlineEffect } from '../readiness-deadline.effect.js';

const silentProbe = fromCallback(() => () => {});

async function until(check: () => boolean, withinMs: number): Promise<boolean> {
  for (const end = Date.now() + withinMs; Date.now() < end; ) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}

function start(createdAt: string) {
  const effects = new FakeEffects();
  const spec = makeSpec({ readiness: { path: '/ready', timeoutMs: 200 } }, { createdAt });
  const machine = effects
    .machine()
    .provide({ actors: { readinessDeadline: readinessDeadlineEffect(), probeReadiness: silentProbe as never } });
  return { effects, spec, machine: machine as AnyStateMachine };
}

test('a probe that never reports: the deployment fails by its deadline and the candidate is stopped', async () => {
  const at = new Date().toISOString();
  const { effects, spec, machine } = start(at);
  const actor = createActor(machine, { input: { spec } });
  actor.start();
  for (const e of [
    { type: 'slot.granted', at },
    { type: 'xstate.done.actor.build', output: { at } },
    { type: 'xstate.done.actor.startCandidate', output: { at, workload } },
  ]) {
    effects.deliver(e, (x) => actor.send(x as never));
    await flush();
  }
  assert.is(toRecord(actor.getSnapshot()).state.stage, 'checking_readiness.probing');
  assert.ok(await until(() => toRecord(actor.getSnapshot()).status === 'failed', 5_000), 'failed by the deadline');
  assert.is(toRecord(actor.getSnapshot()).failureMessage, 'readiness check timed out after 200 ms (0 attempts)');
  assert.ok(effects.effectsCalled().includes('stopCandidate'));
  actor.stop();
});

test('restored after its deadline passed (agent was down): the re-invoked timer fails it', async () => {
  const at = new Date(Date.now() - 60_000).toISOString();
  const { effects, spec } = start(at);
  // Taken while probing, by an actor whose deadline effect never fires (the agent went down then).
  const first = createActor(effects.machine() as AnyStateMachine, { input: { spec } });
  first.start();
  for (const e of [
    { type: 'slot.granted', at },
    { type: 'xstate.done.actor.build', output: { at } },
    { type: 'xstate.done.actor.startCandidate', output: { at, workload } },
  ]) {
    effects.deliver(e, (x) => first.send(x as never));
    await flush();
  }
  assert.is(toRecord(first.getSnapshot()).state.stage, 'checking_readiness.probing');
  const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot()));
  first.stop();
  const restored = createActor(start(at).machine, { snapshot: persisted, input: { spec } } as never);
  restored.start();
  assert.ok(await until(() => toRecord(restored.getSnapshot()).status === 'failed', 5_000), 'failed after the restore');
  assert.match(toRecord(restored.getSnapshot()).failureMessage ?? '', 'readiness check timed out');
  restored.stop();
});

test.run();
