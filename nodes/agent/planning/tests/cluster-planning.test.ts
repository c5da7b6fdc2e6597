// Placement and node-loss planning: pure functions of records, nodes and the clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeploymentRecord } from '../../../../packages/protocol/index.js';
import { place, type NodeView } from '../placement.plan.js';
import { lostOwners, planNodeLoss } from '../node-loss.plan.js';

const NOW = 1_000_000;
const node = (id: string, over: Partial<NodeView> = {}): NodeView => ({
  id,
  runtimes: ['process'],
  seenAt: NOW - 500,
  ...over,
});
function rec(over: Partial<DeploymentRecord>): DeploymentRecord {
  const t = '2026-01-01T00:00:00.000Z';
  return {
    id: 'dep0000001',
    serviceName: 'web',
    status: 'succeeded',
    health: 'healthy',
    promotionStage: 'active',
    isActive: true,
    routeUrl: null,
    failureMessage: null,
    createdAt: t,
    completedAt: t,
    environmentName: 'production',
    nodeId: 'a',
    trigger: 'deploy',
    serviceType: 'web',
    runtime: 'process',
    sourceDigest: 's1',
    fingerprint: 'f',
    previousId: null,
    replacedBy: null,
    activatedAt: t,
    stages: [],
    readiness: { attempts: 0, recent: [] },
    state: { status: '', stage: '', health: '' },
    updatedAt: t,
    ...over,
  };
}
const want = (serviceName: string, over = {}) => ({
  serviceName,
  environmentName: 'production',
  runtime: 'process' as const,
  sourceDigest: `src-${serviceName}`,
  ...over,
});

test('several services spread over the live nodes', () => {
  const plan = place([want('web'), want('api'), want('worker')], [node('a'), node('b'), node('c')], [], NOW, 4000);
  assert.equal(plan.map((p) => ('nodeId' in p ? p.nodeId : p.error)).sort(), ['a', 'b', 'c']);
});

test('a node whose heartbeat is older than the limit at `now` gets nothing', () => {
  const plan = place([want('web')], [node('a', { seenAt: NOW - 5000 }), node('b')], [], NOW, 4000);
  assert.equal(
    plan.map((p) => ('nodeId' in p ? p.nodeId : null)),
    ['b'],
  );
  assert.equal(
    place([want('web')], [node('a', { seenAt: NOW - 5000 })], [], NOW, 4000).map((p) =>
      'error' in p ? p.error : null,
    ),
    ['no live node'],
  );
});

test('only nodes offering the runtime; a clear error when none does', () => {
  const plan = place(
    [want('img', { runtime: 'docker' })],
    [node('a'), node('b', { runtimes: ['process', 'docker'] })],
    [],
    NOW,
    4000,
  );
  assert.equal(
    plan.map((p) => ('nodeId' in p ? p.nodeId : null)),
    ['b'],
  );
  const none = place([want('img', { runtime: 'docker' })], [node('a')], [], NOW, 4000);
  assert.equal(
    none.map((p) => ('error' in p ? p.error : null)),
    ['no live node offers runtime docker'],
  );
});

test('the node holding the release is preferred even if busier; otherwise the least loaded', () => {
  const existing = [
    rec({ id: 'd1', nodeId: 'c', sourceDigest: 'src-web' }),
    rec({ id: 'd2', nodeId: 'c', serviceName: 'api' }),
  ];
  assert.equal(
    place([want('web')], [node('a'), node('b'), node('c')], existing, NOW, 4000).map((p) =>
      'nodeId' in p ? p.nodeId : null,
    ),
    ['c'],
  );
  assert.equal(
    place([want('other')], [node('a'), node('c')], existing, NOW, 4000).map((p) => ('nodeId' in p ? p.nodeId : null)),
    ['a'],
  );
});

test('node loss: pre-switch deployments fail; active ones fail over and are re-placed; dormant ones are left', () => {
  const records = [
    {
      owner: 'a',
      record: rec({ id: 'ready1', status: 'running', promotionStage: 'checking_readiness', isActive: false }),
    },
    { owner: 'a', record: rec({ id: 'active1' }) },
    { owner: 'a', record: rec({ id: 'standby1', isActive: false }) },
    { owner: 'a', record: rec({ id: 'failed1', status: 'failed', promotionStage: 'building', isActive: false }) },
    {
      owner: 'a',
      record: rec({ id: 'switch1', status: 'running', promotionStage: 'switching_route', isActive: false }),
    },
    {
      owner: 'a',
      record: rec({
        id: 'switch2',
        status: 'running',
        promotionStage: 'switching_route',
        isActive: false,
        serviceName: 'api',
      }),
    },
    { owner: 'b', record: rec({ id: 'other', status: 'running', promotionStage: 'building', isActive: false }) },
    { owner: null, record: rec({ id: 'taken', status: 'running', promotionStage: 'building', isActive: false }) },
  ];
  const plan = planNodeLoss('a', records, new Set(['switch2']));
  assert.equal(plan.lost.sort(), ['active1', 'ready1', 'switch1', 'switch2']);
  assert.equal(plan.reschedule.map((r) => r.id).sort(), ['active1', 'switch2']);
});

test('a node counts as lost only once seen or after the grace since the leader took over', () => {
  const records = [
    { owner: 'a', record: rec({}) },
    { owner: 'b', record: rec({}) },
    { owner: null, record: rec({}) },
  ];
  assert.equal([...lostOwners(records, new Set(['b']), new Set(['a']), NOW, NOW, 10_000)], ['a']);
  assert.equal(
    [...lostOwners(records, new Set(['b']), new Set(), NOW, NOW + 1000, 10_000)],
    [],
    'not seen yet, within grace',
  );
  assert.equal(
    [...lostOwners(records, new Set(['b']), new Set(), NOW, NOW + 10_000, 10_000)],
    ['a'],
    'after the grace',
  );
});

test.run();
