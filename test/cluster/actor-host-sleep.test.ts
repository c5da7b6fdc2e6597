// The actor host over fake effects and a real nats-server: a serving deployment sleeps (no XState actor, its supervision
// kept running), an event for it wakes the actor from its stored snapshot, the statechart decides the transition, and
// the deployment sleeps again; restored after a restart it sleeps at once; replaced, it is let go with its supervision.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeploymentStore } from '../../cluster/index.js';
import type { TransitionReport } from '../../packages/protocol/index.js';
import type { DeploymentEvent, WorkloadInput } from '../../machines/deployment/index.js';
import { ActorHost } from '../../nodes/agent/host/actor-host.js';
import { callbackEffect, type Report } from '../../nodes/agent/effects/effect-kit.js';
import { FakeEffects, flush } from '../../machines/deployment/tests/fake-effects.js';
import { makeSpec, workload, T1 } from '../../machines/deployment/tests/fixtures.js';
import { startFixture, newId, type Fixture } from './fixture.js';

let fx: Fixture;
let store: DeploymentStore;

test.before(async () => {
  fx = await startFixture();
  store = await DeploymentStore.open(fx.conn);
});
test.after(() => fx?.dispose());

/** A fake supervision the host can keep running without an actor: counts starts and stops, reports what the test says. */
class FakeSupervision {
  starts = 0;
  stops = 0;
  report: Report | null = null;
  logic() {
    return callbackEffect<WorkloadInput>(
      () => undefined,
      'superviseWorkload',
      (_input, report) => {
        this.starts++;
        this.report = report;
        return () => {
          this.stops++;
          this.report = null;
        };
      },
    );
  }
}

function host() {
  const effects = new FakeEffects();
  const supervision = new FakeSupervision();
  const machine = effects.machine().provide({ actors: { superviseWorkload: supervision.logic() } as never });
  const reports: TransitionReport[] = [];
  const warnings: string[] = [];
  const h = new ActorHost(
    'n1',
    machine as never,
    store,
    { platformLog: () => {}, transition: (r) => void reports.push(r), warn: (m) => void warnings.push(m) },
    () => [],
  );
  return { h, effects, supervision, reports, warnings };
}

/** Polls (bounded by attempts, not by time) until `done` holds. */
async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.unreachable(`never: ${what}`);
}

const stored = async (id: string) => (await store.get(id))!.value.record;

test('a serving deployment sleeps, wakes for an event from its supervision or from outside, and the machine decides', async () => {
  const { h, effects, supervision, reports } = host();
  const spec = makeSpec({}, { id: newId(), nodeId: 'n1' });
  await h.create(spec);
  const send = (e: { type: string } & Record<string, unknown>) => void h.deliver(spec.id, e as DeploymentEvent);
  for (const event of [
    { type: 'slot.granted', at: T1 },
    { type: 'xstate.done.actor.build', output: { at: T1 } },
    { type: 'xstate.done.actor.startCandidate', output: { at: T1, workload } },
    { type: 'xstate.done.actor.switchRoute', output: { at: T1, previous: null } },
  ]) {
    effects.deliver(event, send);
    await flush();
  }
  await until('it sleeps once serving', () => h.awake === 0);
  assert.ok(h.isHosted(spec.id), 'asleep, it is still hosted here');
  assert.equal(h.ids(), [spec.id]);
  assert.is(h.recordOf(spec.id)?.state.stage, 'active.serving');
  assert.is(h.recordOf(spec.id)?.health, 'healthy');
  assert.equal([supervision.starts, supervision.stops], [1, 0], 'its supervision runs on without the actor');

  // Its own supervision reports a crash: the actor wakes from KV, adopts the running supervision and takes the event.
  const seen = reports.length;
  supervision.report!({ type: 'workload.exited', at: T1, code: 1, signal: null, lastError: 'Error: boom' });
  await until('the crash is stored', async () => (await stored(spec.id)).health === 'unhealthy');
  await until('it sleeps again', () => h.awake === 0);
  assert.equal([supervision.starts, supervision.stops], [1, 0], 'the woken actor adopted the same supervision');
  const woke = reports.slice(seen);
  assert.equal(
    woke.map((r) => [r.event, r.before?.health, r.after.health]),
    [['workload.exited', 'healthy', 'unhealthy']],
    'one transition is reported, continuing from the state it slept in (no restore of its own)',
  );
  assert.is(h.recordOf(spec.id)?.health, 'unhealthy');

  // An event the serving state has no transition for changes nothing: the machine, not the host, decides.
  const before = await store.get(spec.id);
  const record = await h.deliver(spec.id, {
    type: 'deployment.promote',
    at: T1,
    trigger: 'rollback',
  } as DeploymentEvent);
  assert.is(record.state.stage, 'active.serving');
  await until('it sleeps again', () => h.awake === 0);
  assert.is((await store.get(spec.id))!.revision, before!.revision, 'nothing was written');

  // Recovered: the guard of `workload.recovered` (the set complete and passing) makes it healthy again.
  supervision.report!({ type: 'workload.recovered', at: T1 });
  await until('the recovery is stored', async () => (await stored(spec.id)).health === 'healthy');

  // After an agent restart the restored deployment sleeps at once, its supervision started again (it adopts the workload).
  await until('it sleeps again', () => h.awake === 0);
  await h.stopAll();
  assert.equal([supervision.starts, supervision.stops], [1, 1], 'an orderly stop stops the supervision');
  const next = host();
  assert.is(await next.h.restoreOwned((await store.list()).filter((d) => d.value.record.id === spec.id)), 1);
  await until('the restored one sleeps', () => next.h.awake === 0);
  assert.ok(next.h.isHosted(spec.id));
  assert.equal([next.supervision.starts, next.supervision.stops], [1, 0]);
  assert.equal(
    next.reports.map((r) => [r.event, r.data]),
    [['xstate.init', { restored: true }]],
  );

  // Replaced by a newer deploy: standby has nothing to run, so the deployment is let go and its supervision stopped.
  const after = await next.h.deliver(spec.id, {
    type: 'deployment.replaced',
    at: T1,
    by: 'dep000002',
    mode: 'deploy',
  } as DeploymentEvent);
  assert.is(after.state.stage, 'active.standby');
  await until('it is let go', () => !next.h.isHosted(spec.id));
  assert.equal([next.supervision.starts, next.supervision.stops], [1, 1]);
  assert.is((await stored(spec.id)).state.stage, 'active.standby');
  assert.is(next.h.size, 0);
});

test('a sleeping deployment another node took over is let go when an event wakes it', async () => {
  const { h, effects, supervision, warnings } = host();
  const spec = makeSpec({}, { id: newId(), nodeId: 'n1' });
  await h.create(spec);
  const send = (e: { type: string } & Record<string, unknown>) => void h.deliver(spec.id, e as DeploymentEvent);
  for (const event of [
    { type: 'slot.granted', at: T1 },
    { type: 'xstate.done.actor.build', output: { at: T1 } },
    { type: 'xstate.done.actor.startCandidate', output: { at: T1, workload } },
    { type: 'xstate.done.actor.switchRoute', output: { at: T1, previous: null } },
  ]) {
    effects.deliver(event, send);
    await flush();
  }
  await until('it sleeps once serving', () => h.awake === 0);
  // The leader declared this node lost and moved the deployment on (owner none), as it does for a silent node.
  const current = (await store.get(spec.id))!;
  await store.update({ ...current.value, owner: null }, current.revision);
  supervision.report!({ type: 'health.passed', at: T1 });
  await until('it is let go', () => !h.isHosted(spec.id));
  assert.equal([supervision.starts, supervision.stops], [1, 1], 'its supervision stopped; its workload is left alone');
  assert.ok(warnings.some((w) => w.includes('changed while it slept here')));
  assert.is((await store.get(spec.id))!.value.owner, null, 'nothing was written back');
});

test.run();
