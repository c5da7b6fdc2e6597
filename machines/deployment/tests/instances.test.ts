// The instance set in the statechart: the whole set moves through the stages, health follows how many serve.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toRecord } from '../deployment.record.js';
import { replay } from './graph.js';
import { T1, makeSpec, workload, otherInstance, previous } from './fixtures.js';

type Event = { type: string } & Record<string, unknown>;
const done = (id: string, output: object = {}): Event => ({
  type: `xstate.done.actor.${id}`,
  output: { at: T1, ...output },
});
const ok: Event = {
  type: 'readiness.attempt',
  at: T1,
  ok: true,
  detail: 'all 2 instances ready; last node-b: GET /ready → 200 OK',
  latencyMs: 2,
};
const spec = () => makeSpec({ readiness: { path: '/ready', timeoutMs: 5_000 }, instances: 2 }, { instances: 2 });
const set = [workload, otherInstance];
const TO_ACTIVE: Event[] = [
  { type: 'slot.granted', at: T1 },
  done('build'),
  done('startCandidate', { workload, instances: set }),
  ok,
  done('switchRoute', { previous }),
  done('drainPrevious', { drained: true }),
];
const serving = (instances: object[]): Event => ({ type: 'instances.serving', at: T1, instances });

async function run(events: Event[]) {
  const r = await replay({ spec: spec(), events });
  const snapshot = r.actor.getSnapshot();
  r.actor.stop();
  return { record: toRecord(snapshot), context: snapshot.context, calls: r.effects.calls };
}

test('the set is probed, switched and supervised whole; the record says 2/2 with both instances', async () => {
  const { record, calls } = await run(TO_ACTIVE);
  assert.equal([record.status, record.promotionStage, record.health], ['succeeded', 'active', 'healthy']);
  assert.equal([record.instances?.ready, record.instances?.total], [2, 2]);
  assert.equal(
    record.instances?.list.map((i) => [i.nodeId, i.port, i.state]),
    [
      ['node-a', 40001, 'ready'],
      ['node-b', 40002, 'ready'],
    ],
  );
  for (const name of ['probeReadiness', 'switchRoute', 'superviseWorkload']) {
    assert.equal(calls.find((c) => c.effect === name)?.instances, set, `${name} gets the whole set`);
  }
});

test('while checking readiness the set is starting: 0/2 ready', async () => {
  const { record } = await run(TO_ACTIVE.slice(0, 3));
  assert.equal([record.promotionStage, record.instances?.ready, record.instances?.total], ['checking_readiness', 0, 2]);
  assert.ok(record.instances?.list.every((i) => i.state === 'starting'));
});

test('an instance lost after active: unhealthy at 1/2, healthy again once the set is whole', async () => {
  const lost = await run([...TO_ACTIVE, serving([workload])]);
  assert.equal([lost.record.health, lost.record.instances?.ready, lost.record.isActive], ['unhealthy', 1, true]);
  const again = await run([
    ...TO_ACTIVE,
    serving([workload]),
    serving([workload, { ...otherInstance, nodeId: 'node-c', host: '127.0.0.3' }]),
  ]);
  assert.equal([again.record.health, again.record.instances?.ready], ['healthy', 2]);
  assert.equal(
    again.record.instances?.list.map((i) => i.nodeId),
    ['node-a', 'node-c'],
  );
});

test("this node's instance recovering does not make a short set healthy", async () => {
  const { record } = await run([
    ...TO_ACTIVE,
    serving([workload]),
    { type: 'workload.exited', at: T1, code: 1, signal: null, lastError: null },
    { type: 'workload.recovered', at: T1 },
  ]);
  assert.equal([record.health, record.instances?.ready], ['unhealthy', 1]);
});

test('fewer distinct nodes than instances is said in the record', async () => {
  const { record } = await run([
    { type: 'slot.granted', at: T1 },
    done('build'),
    done('startCandidate', { workload, instances: [workload] }),
  ]);
  assert.match(record.instances?.note ?? '', /2 instances wanted, 1 placed on 1 distinct node/);
});

test('instances sharing a node: the note says so; each extra carries its own restarts, the own one the context count', async () => {
  const extra = { ...otherInstance, nodeId: 'node-a', port: 40003, slot: 1 };
  const shared = await run([
    { type: 'slot.granted', at: T1 },
    done('build'),
    done('startCandidate', { workload, instances: [workload, extra] }),
  ]);
  assert.match(
    shared.record.instances?.note ?? '',
    /2 instances wanted, 2 placed on 1 distinct node\(s\), some sharing/,
  );
  const restartedOwn = { ...workload, ref: '999:1' };
  const { record, context } = await run([
    ...TO_ACTIVE,
    { type: 'workload.exited', at: T1, code: 1, signal: null, lastError: null },
    { type: 'workload.restarted', at: T1, workload: restartedOwn },
    // The extras supervisor still names the owner's instance by its old ref: the candidate's identity wins.
    serving([workload, { ...otherInstance, ref: '777:1', restarts: 2 }]),
  ]);
  assert.equal(
    record.instances?.list.map((i) => [i.nodeId, i.ref, i.restarts]),
    [
      ['node-a', '999:1', 1],
      ['node-b', '777:1', 2],
    ],
  );
  assert.is(context.instances?.[0]?.ref, '999:1');
});

test.run();
