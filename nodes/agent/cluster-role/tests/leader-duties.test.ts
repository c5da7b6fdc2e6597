// Unit tests of the leader's node-loss check with fakes for the cluster view, routes, host and notifier.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeploymentRecord, MemberRecord, RouteRecord } from '../../../../packages/protocol/index.js';
import { initialTransition } from 'xstate';
import {
  DEPLOYMENT_MACHINE_VERSION,
  deploymentMachine,
  type DeploymentEvent,
  type DeploymentSpec,
  type WorkloadRef,
} from '../../../../machines/deployment/index.js';
import { makeSpec } from '../../../../machines/deployment/tests/fixtures.js';
import type { Logger } from '../../agent-logger.js';
import type { OwnedRecord } from '../../planning/node-loss.plan.js';
import { LeaderDuties, type LeaderPorts } from '../leader-duties.js';

const NOW = 1_000_000;
const instance = (nodeId: string, port: number): WorkloadRef => ({
  driver: 'process',
  ref: `${nodeId}:${port}`,
  host: `${nodeId}.local`,
  port,
  nodeId,
});

/** A snapshot as the host persists it (validated when read back), its set one instance on each node. */
function storedSnapshot(id: string): unknown {
  const spec = makeSpec({}, { id, environmentName: 'production', serviceName: 'web', nodeId: 'n2' });
  const persisted = deploymentMachine.getPersistedSnapshot(
    initialTransition(deploymentMachine, { spec })[0],
  ) as unknown as {
    context: object;
  };
  const context = {
    ...persisted.context,
    candidate: instance('n1', 5000),
    instances: [instance('n1', 5000), instance('n2', 5000)],
  };
  return JSON.parse(JSON.stringify({ ...persisted, context, machineVersion: DEPLOYMENT_MACHINE_VERSION }));
}

const record = (id: string, extra: Partial<DeploymentRecord>): DeploymentRecord =>
  ({
    id,
    environmentName: 'production',
    serviceName: id === 'depweb' ? 'web' : 'api',
    status: 'succeeded',
    promotionStage: 'completed',
    isActive: false,
    runtime: 'process',
    sourceDigest: 'sha256-abc',
    createdAt: '2026-01-01T00:00:00.000Z',
    nodeId: 'n2',
    ...extra,
  }) as DeploymentRecord;

/** The active web deployment has one instance on each node; the api deployment was still building on n2. */
function fakes() {
  const web = record('depweb', { isActive: true });
  const building = record('depapi', { status: 'running', promotionStage: 'building' });
  const elsewhere = record('depn1', { isActive: true, nodeId: 'n1' });
  const owned: OwnedRecord[] = [
    { record: web, owner: 'n2' },
    { record: building, owner: 'n2' },
    { record: elsewhere, owner: 'n1' },
  ];
  let route: RouteRecord = {
    environmentName: 'production',
    serviceName: 'web',
    port: 8001,
    deploymentId: 'depweb',
    upstreams: [
      { host: 'n1.local', port: 5000, nodeId: 'n1' },
      { host: 'n2.local', port: 5000, nodeId: 'n2' },
    ],
    previousId: null,
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const events: Array<{ id: string; event: DeploymentEvent }> = [];
  const created: DeploymentSpec[] = [];
  const notified: string[] = [];
  const remembered: MemberRecord[] = [];
  const warnings: string[] = [];
  const ports: LeaderPorts = {
    cluster: {
      isLeader: () => true,
      now: () => NOW,
      liveNodes: () => new Set(['n1']),
      seenWhileLeading: new Set(['n1', 'n2']),
      since: () => NOW - 60_000,
      nodeViews: () => [
        { id: 'n1', runtimes: ['process'], seenAt: NOW },
        { id: 'n2', runtimes: ['process'], seenAt: NOW - 60_000 },
      ],
      membership: {
        nodeViews: () => [{ beat: { id: 'n2' }, seenAt: new Date(NOW - 60_000), live: false }] as never,
        remember: async (r) => void remembered.push(r),
      },
    },
    routes: {
      get: async (_env, service) => (service === 'web' ? { key: 'route.production.web', revision: 7, route } : null),
      put: async (next, revision) => {
        assert.is(revision, 7, 'the route is written at the revision it was read');
        route = next;
        return 8;
      },
    },
    host: {
      applyUnhosted: async (id, event) => {
        events.push({ id, event });
        const rec = owned.find((o) => o.record.id === id)!.record;
        return { before: rec, record: rec, persisted: storedSnapshot(id), revision: 1 };
      },
    },
    notifier: { nodeLost: (node, stored) => void notified.push(`${node}:${stored.record.id}`) },
    records: () => owned.map((o) => o.record),
    createDeployment: async (spec) => {
      created.push(spec);
      return record(spec.id, { nodeId: spec.nodeId });
    },
  };
  const log: Logger = { info: () => {}, warn: (m) => void warnings.push(m) };
  const duties = new LeaderDuties(
    ports,
    () => owned,
    log,
    () => [],
  );
  return { duties, ports, log, owned, events, created, notified, remembered, warnings, route: () => route };
}

test("a lost node's deployments fail, the serving one is re-placed on a live node and leaves the route", async () => {
  const f = fakes();
  await f.duties.checkNodes();
  assert.equal(
    f.events.map((e) => `${e.id}:${e.event.type}`),
    ['depweb:node.lost', 'depweb:instances.serving', 'depapi:node.lost'],
  );
  const serving = f.events[1]!.event as Extract<DeploymentEvent, { type: 'instances.serving' }>;
  assert.equal(serving.instances, [instance('n1', 5000)], 'the set serves on without the lost instance');
  assert.equal(f.route().upstreams, [{ host: 'n1.local', port: 5000, nodeId: 'n1' }]);
  assert.is(f.created.length, 1, 'only the serving deployment is re-placed');
  assert.is(f.created[0]!.replaces, 'depweb');
  assert.is(f.created[0]!.nodeId, 'n1');
  assert.equal(f.notified, ['n2:depweb', 'n2:depapi']);
  assert.equal(
    f.remembered.map((r) => [r.node.id, r.state]),
    [['n2', 'lost']],
  );
  assert.equal(f.warnings, ['node n2 lost: failing 2 deployment(s), re-placing 1']);
});

test('a node that is not the leader checks nothing', async () => {
  const f = fakes();
  const follower = { ...f.ports, cluster: { ...f.ports.cluster, isLeader: () => false } };
  await new LeaderDuties(
    follower,
    () => f.owned,
    f.log,
    () => [],
  ).checkNodes();
  assert.equal(f.events, []);
  assert.equal(f.created, []);
});

test('start serves the leader verbs and stop ends them', () => {
  let served = 0;
  let ended = 0;
  const f = fakes();
  const duties = new LeaderDuties(
    f.ports,
    () => [],
    f.log,
    () => {
      served += 1;
      return [
        {
          unsubscribe: () => {
            ended += 1;
          },
        },
      ];
    },
  );
  duties.start();
  duties.stop();
  assert.equal([served, ended], [1, 1]);
});

test.run();
