// Tags: the record projection agrees with the chart's own tags in every state, and pure transitions carry them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initialTransition, transition, type AnyMachineSnapshot, type StateValue } from 'xstate';
import { deploymentMachine } from '../deployment.machine.js';
import { toRecord, type SnapshotLike } from '../deployment.record.js';
import {
  canSleep,
  isDormant,
  isHandover,
  isKept,
  isInFlight,
  isPreSwitch,
  isServing,
  isSwitching,
  tagsAt,
} from '../deployment.tags.js';
import type { DeploymentTag } from '../deployment.types.js';
import { T1, previous, withoutReadiness, workload } from './fixtures.js';

type Node = typeof deploymentMachine.root;
const TAGS: DeploymentTag[] = [
  'inFlight',
  'preSwitch',
  'switching',
  'handover',
  'serving',
  'dormant',
  'kept',
  'sleepable',
];

/** Every leaf path of a region, found by walking the chart's state nodes. */
function leaves(node: Node, prefix = ''): string[] {
  const kids = Object.values(node.states) as Node[];
  if (kids.length === 0) return [prefix];
  return kids.flatMap((k) => leaves(k, prefix ? `${prefix}.${k.key}` : k.key));
}
const region = (name: string) => deploymentMachine.root.states[name] as Node;
const toValue = (path: string): StateValue =>
  path
    .split('.')
    .reverse()
    .reduce<StateValue>((inner, key) => (inner === '' ? key : { [key]: inner }), '');

const [start] = initialTransition(deploymentMachine, { spec: withoutReadiness() });
/** A snapshot of the chart in this status and stage, resolved by XState itself. */
const resolve = (status: string, stage: string): AnyMachineSnapshot =>
  deploymentMachine.resolveState({
    value: { status, stage: toValue(stage), health: 'pending' },
    context: start.context,
  }) as AnyMachineSnapshot;

const STATUSES = leaves(region('status'));
const STAGES = leaves(region('stage'));

test('the chart has the states this test walks', () => {
  assert.equal(STATUSES, ['queued', 'running', 'succeeded', 'failed']);
  assert.is(STAGES.length, 18);
  const used = new Set(
    [...STATUSES.map((s) => tagsAt('status', s)), ...STAGES.map((s) => tagsAt('stage', s))].flatMap((t) => [...t]),
  );
  assert.equal([...used].sort(), [...TAGS].sort(), 'every tag is on some state, and no other tag is');
});

test('in every state, what a record says agrees with the chart: tagsAt, the helpers and isActive match hasTag', () => {
  for (const status of STATUSES) {
    for (const stage of STAGES) {
      const snap = resolve(status, stage);
      const record = toRecord(snap as unknown as SnapshotLike);
      const where = `${status} / ${stage}`;
      for (const tag of TAGS) {
        const projected = tagsAt('status', status).has(tag) || tagsAt('stage', stage).has(tag);
        assert.is(projected, snap.hasTag(tag), `${where}: tagsAt agrees on ${tag}`);
      }
      // Records are read by status and promotionStage (the top-level stage) alone: the tags they ask sit there.
      assert.is(isInFlight(record), snap.hasTag('inFlight'), `${where}: inFlight`);
      assert.is(isPreSwitch(record), snap.hasTag('preSwitch'), `${where}: preSwitch`);
      assert.is(isSwitching(record), snap.hasTag('switching'), `${where}: switching`);
      assert.is(isHandover(record), snap.hasTag('handover'), `${where}: handover`);
      assert.is(record.isActive, snap.hasTag('serving'), `${where}: isActive is the serving tag`);
      assert.is(isServing(record.state.stage), snap.hasTag('serving'), `${where}: serving`);
      assert.is(isDormant(record.state.stage), snap.hasTag('dormant'), `${where}: dormant`);
      assert.is(isKept(record.state.stage), snap.hasTag('kept'), `${where}: kept`);
      assert.is(canSleep(record.state.stage), snap.hasTag('sleepable'), `${where}: sleepable`);
    }
  }
});

test('the tags name the same states the stage lists in nodes/ named before them', () => {
  const withTag = (tag: DeploymentTag) => STAGES.filter((s) => tagsAt('stage', s).has(tag));
  const top = (paths: string[]) => [...new Set(paths.map((p) => p.split('.')[0]))];
  assert.equal(top(withTag('preSwitch')), ['building', 'starting_candidate', 'checking_readiness']);
  assert.equal(top(withTag('switching')), ['switching_route']);
  assert.equal(top(withTag('handover')), ['switching_route', 'draining_previous']);
  assert.equal(withTag('serving'), ['draining_previous', 'active.serving', 'active.reverting']);
  assert.equal(withTag('dormant'), [
    'building.halted',
    'starting_candidate.halted',
    'checking_readiness.halted',
    'switching_route.halted',
    'active.standby',
    'rolled_back',
  ]);
  assert.equal(withTag('kept'), ['active.kept']);
  assert.equal(withTag('sleepable'), ['active.serving']);
  assert.equal(
    STATUSES.filter((s) => isInFlight(s)),
    ['queued', 'running'],
  );
  assert.not.ok(isDormant('no_such.state'), 'an unknown path has no tags');
  assert.not.ok(isInFlight(''), 'nor has an empty one');
});

const tagsOf = (s: AnyMachineSnapshot) => TAGS.filter((t) => s.hasTag(t));
const done = (id: string, output: object) => ({ type: `xstate.done.actor.${id}`, output: { at: T1, ...output } });

test('pure transitions: a deploy carries inFlight and preSwitch, then handover, serving, and rests dormant', () => {
  const steps: Array<[object, DeploymentTag[]]> = [
    [{ type: 'slot.granted', at: T1 }, ['inFlight', 'preSwitch']],
    [done('build', {}), ['inFlight', 'preSwitch']],
    [done('startCandidate', { workload }), ['inFlight', 'switching', 'handover']],
    [done('switchRoute', { previous }), ['inFlight', 'handover', 'serving']],
    [done('drainPrevious', { drained: true }), ['serving', 'sleepable']],
    [{ type: 'deployment.replaced', at: T1, by: 'dep000002', mode: 'deploy' }, ['dormant']],
  ];
  let snap = start as AnyMachineSnapshot;
  assert.equal(tagsOf(snap), ['inFlight', 'preSwitch'], 'queued for a build slot');
  for (const [event, tags] of steps) {
    [snap] = transition(deploymentMachine, snap as never, event as never) as [AnyMachineSnapshot, unknown];
    assert.equal(tagsOf(snap), tags, `after ${(event as { type: string }).type}`);
  }
  assert.equal(snap.value, { status: 'succeeded', health: 'healthy', stage: { active: 'standby' } });
});

test('pure transitions: the typed done outputs land in context (candidate, previous, activatedAt)', () => {
  let [snap] = transition(deploymentMachine, start, { type: 'slot.granted', at: T1 });
  [snap] = transition(deploymentMachine, snap, done('build', {}) as never);
  [snap] = transition(deploymentMachine, snap, done('startCandidate', { workload }) as never);
  assert.equal(snap.context.candidate, workload);
  assert.equal(snap.context.instances, [workload]);
  [snap] = transition(deploymentMachine, snap, done('switchRoute', { previous: null }) as never);
  assert.equal(snap.value, { status: 'succeeded', health: 'healthy', stage: { active: 'serving' } }, 'no previous');
  assert.is(snap.context.previous, null);
  assert.is(snap.context.activatedAt, T1);
});

test('pure transitions: a candidate that fails to start is cleaned up (preSwitch, no longer inFlight), then dormant', () => {
  let [snap] = transition(deploymentMachine, start, { type: 'slot.granted', at: T1 });
  [snap] = transition(deploymentMachine, snap, done('build', {}) as never);
  const failed = { type: 'xstate.error.actor.startCandidate', error: Object.assign(new Error('boom'), { at: T1 }) };
  [snap] = transition(deploymentMachine, snap, failed as never);
  assert.equal(snap.value.stage, { starting_candidate: 'cleanup' });
  assert.equal(tagsOf(snap), ['preSwitch']);
  [snap] = transition(deploymentMachine, snap, done('stopCandidate', {}) as never);
  assert.equal(snap.value.stage, { starting_candidate: 'halted' });
  assert.equal(tagsOf(snap), ['preSwitch', 'dormant']);
});

test.run();
