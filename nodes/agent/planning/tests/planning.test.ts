// Deploy and rollback planning: affected services, superseding, rollback targets, kept releases.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeploymentRecord } from '../../../../packages/protocol/index.js';
import { planDeploy } from '../deploy.plan.js';
import { planRollback } from '../rollback.plan.js';
import { releasesToKeep, recordsToPrune } from '../retention.plan.js';
import { fingerprintOf, mergeVariables, splitSecrets } from '../variables.js';
import { clusterKey, fingerprintKey } from '../../../../cluster/secrets/index.js';
import { ServiceConfig } from '../../../../packages/protocol/index.js';

let n = 0;
function rec(over: Partial<DeploymentRecord>): DeploymentRecord {
  n += 1;
  const t = `2026-01-01T00:00:${String(n).padStart(2, '0')}.000Z`;
  return {
    id: `dep${String(n).padStart(6, '0')}`,
    serviceName: 'web',
    status: 'succeeded',
    health: 'healthy',
    promotionStage: 'active',
    isActive: false,
    routeUrl: null,
    failureMessage: null,
    createdAt: t,
    completedAt: t,
    environmentName: 'production',
    nodeId: 'n1',
    trigger: 'deploy',
    serviceType: 'web',
    runtime: 'process',
    sourceDigest: 's',
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

test('a service whose fingerprint equals the active deployment is unchanged; a changed one is created', () => {
  const active = rec({ isActive: true, fingerprint: 'f1' });
  const worker = rec({ serviceName: 'worker', isActive: true, fingerprint: 'w1' });
  const plan = planDeploy(
    [
      { serviceName: 'web', fingerprint: 'f1' },
      { serviceName: 'worker', fingerprint: 'w2' },
    ],
    [active, worker],
    false,
  );
  assert.equal(plan.unchanged, [{ serviceName: 'web', deploymentId: active.id }]);
  assert.equal(plan.create, [{ serviceName: 'worker', supersedes: [] }]);
});

test('--force creates even when unchanged', () => {
  const active = rec({ isActive: true, fingerprint: 'f1' });
  assert.equal(planDeploy([{ serviceName: 'web', fingerprint: 'f1' }], [active], true).create.length, 1);
});

test('an in-flight deployment counts as current, and a new one supersedes it only before switching', () => {
  const active = rec({ isActive: true, fingerprint: 'f1' });
  const building = rec({ status: 'running', promotionStage: 'building', fingerprint: 'f2', activatedAt: null });
  const same = planDeploy([{ serviceName: 'web', fingerprint: 'f2' }], [active, building], false);
  assert.equal(same.unchanged, [{ serviceName: 'web', deploymentId: building.id }], 'same as what is being deployed');
  const newer = planDeploy([{ serviceName: 'web', fingerprint: 'f3' }], [active, building], false);
  assert.equal(newer.create, [{ serviceName: 'web', supersedes: [building.id] }]);
  const switching = rec({ status: 'running', promotionStage: 'switching_route', fingerprint: 'f2', activatedAt: null });
  assert.equal(planDeploy([{ serviceName: 'web', fingerprint: 'f3' }], [active, switching], false).create, [
    { serviceName: 'web', supersedes: [] },
  ]);
});

test('a failed deployment does not count: its fingerprint deploys again', () => {
  const active = rec({ isActive: true, fingerprint: 'f1' });
  const failed = rec({ status: 'failed', promotionStage: 'checking_readiness', fingerprint: 'f2', activatedAt: null });
  assert.equal(planDeploy([{ serviceName: 'web', fingerprint: 'f2' }], [active, failed], false).create.length, 1);
});

test('rollback goes to the most recently active standby, then one further back, never onto a rolled-back one', () => {
  const d1 = rec({ fingerprint: 'a' });
  const d2 = rec({ fingerprint: 'b' });
  const d3 = rec({ isActive: true, fingerprint: 'c' });
  const kept = new Set([d1.id, d2.id, d3.id]);
  const first = planRollback([d1, d2, d3], kept, 'web', 'production');
  assert.ok(first.ok && first.target.id === d2.id && first.current?.id === d3.id);
  // After it: d2 active again (activated now), d3 rolled back.
  const d2b = { ...d2, isActive: true, activatedAt: '2026-01-01T01:00:00.000Z' };
  const d3b = { ...d3, isActive: false, promotionStage: 'rolled_back' as const };
  const second = planRollback([d1, d2b, d3b], kept, 'web', 'production');
  assert.ok(second.ok && second.target.id === d1.id, 'goes one further back');
});

test('rollback on a first deploy is not available, with a clear reason', () => {
  const only = rec({ isActive: true });
  const plan = planRollback([only], new Set([only.id]), 'web', 'staging');
  assert.ok(!plan.ok);
  assert.match(plan.reason, /^rollback is not available: web in staging has no previously active deployment/);
});

test('a pruned release is not a rollback target; the last N activated releases are kept', () => {
  const old = Array.from({ length: 7 }, () => rec({}));
  const current = rec({ isActive: true });
  const kept = releasesToKeep([...old, current], 5);
  assert.is(kept.size, 5, 'current plus four most recent standby (five most recently activated)');
  assert.ok(kept.has(current.id) && !kept.has(old[0]!.id) && kept.has(old[6]!.id));
  const plan = planRollback([old[0]!, current], kept, 'web', 'production');
  assert.not.ok(plan.ok);
});

test('history beyond the configured count is pruned oldest first, never a kept release or an in-flight one', () => {
  const old = Array.from({ length: 10 }, () => rec({}));
  const failed = rec({ status: 'failed', promotionStage: 'building', activatedAt: null });
  const current = rec({ isActive: true });
  const building = rec({ status: 'running', promotionStage: 'building', activatedAt: null });
  const all = [...old, failed, current, building];
  const kept = releasesToKeep(all, 3);
  const pruned = recordsToPrune(all, kept, 6).map((r) => r.id);
  assert.not.ok(pruned.includes(current.id) || pruned.includes(building.id));
  for (const id of kept) assert.not.ok(pruned.includes(id), 'kept releases stay');
  const survivors = all.filter((r) => !pruned.includes(r.id));
  assert.is(
    survivors.filter((r) => !kept.has(r.id) && r.status !== 'running').length,
    6 - kept.size,
    'history holds keepRecords in all',
  );
  assert.ok(pruned.includes(old[0]!.id) && !pruned.includes(failed.id), 'the oldest go first');
});

test('variables: service over cluster over file; the fingerprint changes with any of them and ignores key order', () => {
  assert.equal(mergeVariables({ A: '1', B: '1' }, { B: '2', C: '2' }, { C: '3' }), { A: '1', B: '2', C: '3' });
  const config = ServiceConfig.parse({ start: 'node s.js' });
  const key = Buffer.alloc(32, 7);
  const f = fingerprintOf('sha256-x', config, { A: '1', B: '2' }, key);
  assert.match(f, /^hmac-sha256-[0-9a-f]{64}$/);
  assert.is(fingerprintOf('sha256-x', config, { B: '2', A: '1' }, key), f);
  assert.is.not(fingerprintOf('sha256-x', config, { A: '1', B: '3' }, key), f);
  assert.is.not(fingerprintOf('sha256-y', config, { A: '1', B: '2' }, key), f);
  assert.is.not(fingerprintOf('sha256-x', ServiceConfig.parse({ start: 'node t.js' }), { A: '1', B: '2' }, key), f);
});

test('the fingerprint is an HMAC: same variables, same key → same; another cluster key → another; never the bare sha256', () => {
  const config = ServiceConfig.parse({ start: 'node s.js' });
  const vars = { TOKEN: 'hunter2' };
  const a = fingerprintKey(clusterKey(Buffer.alloc(32, 1)));
  const b = fingerprintKey(clusterKey(Buffer.alloc(32, 2)));
  assert.is(
    fingerprintOf('sha256-x', config, vars, a),
    fingerprintOf('sha256-x', config, { ...vars }, fingerprintKey(clusterKey(Buffer.alloc(32, 1)))),
  );
  assert.is.not(fingerprintOf('sha256-x', config, vars, a), fingerprintOf('sha256-x', config, vars, b));
  assert.is.not(
    a.toString('hex'),
    Buffer.alloc(32, 1).toString('hex'),
    'the HMAC key is derived, not the cluster key itself',
  );
});

test('secrets from the cluster become references; a service variable of the same name stays inline', () => {
  const merged = mergeVariables({ A: 'file' }, { TOKEN: 's3cret', DB: 'pw', PLAIN: 'p' }, { DB: 'service-own' });
  assert.equal(splitSecrets(merged, new Set(['TOKEN', 'DB']), { DB: 'service-own' }), {
    variables: { A: 'file', DB: 'service-own', PLAIN: 'p' },
    secretRefs: ['TOKEN'],
  });
});

test.run();
