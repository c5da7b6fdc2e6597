// ClusterView.settled: a leader whose view of the nodes is still empty waits for it, for at most the liveness window.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Membership } from '../../../cluster/membership/index.js';
import { ClusterView, LOST_AFTER_MS } from '../cluster-role/cluster-view.js';

/** A membership whose only heartbeat arrives when the test says so. */
function fakeMembership() {
  let beats: Array<{ beat: { id: string; runtimes: string[] }; seenAt: Date; live: boolean }> = [];
  const membership = {
    clock: () => Date.now(),
    nodeViews: () => beats,
    liveEdges: () => [],
  } as unknown as Membership;
  const arrive = (id: string, runtimes: string[]) => {
    beats = [{ beat: { id, runtimes }, seenAt: new Date(), live: true }];
  };
  return { membership, arrive };
}

test('a new leader with no heartbeat in view waits until a node offers the runtime', async () => {
  const { membership, arrive } = fakeMembership();
  const view = new ClusterView('n1', membership);
  view.setLeader('n1', true);
  let done = false;
  const settling = view.settled(['process']).then(() => {
    done = true;
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.is(done, false, 'resolved before any node offered the runtime');
  arrive('n1', ['process']);
  await settling;
  assert.is(view.nodeViews().length, 1);
});

test('a runtime no node offers: it stops waiting once the liveness window since leading has passed', async () => {
  const { membership, arrive } = fakeMembership();
  const view = new ClusterView('n1', membership);
  view.setLeader('n1', true);
  arrive('n1', ['process']);
  const started = Date.now();
  await view.settled(['docker']);
  assert.ok(Date.now() - started >= LOST_AFTER_MS - 100, 'gave up before the window');
});

test('not the leader: nothing to wait for', async () => {
  const { membership } = fakeMembership();
  const view = new ClusterView('n1', membership);
  const started = Date.now();
  await view.settled(['process']);
  assert.ok(Date.now() - started < LOST_AFTER_MS, 'a follower waited');
});

test.run();
