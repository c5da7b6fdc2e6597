// readStoredDeployment: a stored snapshot is read back with its version checked and its own context, or refused with why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initialTransition, transition } from 'xstate';
import { deploymentMachine } from '../deployment.machine.js';
import { readStoredDeployment } from '../deployment.stored.js';
import { DEPLOYMENT_MACHINE_VERSION } from '../deployment.version.js';
import { T1, makeSpec } from './fixtures.js';

/** As an agent stores it: XState's persisted snapshot through JSON, with the machine version. */
function stored(): Record<string, unknown> {
  const spec = makeSpec(
    {},
    {
      notify: [{ url: 'https://hooks.example.com/x', events: ['succeeded'], secret: 'WEBHOOK' }],
      secretRefs: ['TOKEN'],
    },
  );
  const [start] = initialTransition(deploymentMachine, { spec });
  const [next] = transition(deploymentMachine, start, { type: 'slot.granted', at: T1 });
  const persisted = deploymentMachine.getPersistedSnapshot(next);
  return JSON.parse(JSON.stringify({ ...persisted, machineVersion: DEPLOYMENT_MACHINE_VERSION }));
}

test('a stored snapshot reads back with its version, value and the very context stored (fields the schema does not name stay)', () => {
  const snapshot = stored();
  const read = readStoredDeployment(snapshot);
  if (!read.ok) return assert.unreachable(read.message);
  assert.is(read.stored.machineVersion, DEPLOYMENT_MACHINE_VERSION);
  assert.equal(read.stored.value, { status: 'running', health: 'pending', stage: { building: { slot: 'running' } } });
  assert.is(read.stored.context, snapshot.context);
  assert.equal(read.stored.context.spec.notify?.[0]?.url, 'https://hooks.example.com/x');
  assert.equal(read.stored.context.spec.secretRefs, ['TOKEN']);
});

test('a snapshot from before versioning is version 1, which this machine restores', () => {
  const { machineVersion: _v, ...old } = stored();
  const read = readStoredDeployment(old);
  assert.ok(read.ok && read.stored.machineVersion === 1);
});

test('an unknown version, a malformed context or no snapshot at all is refused, saying why', () => {
  const snapshot = stored();
  const newer = readStoredDeployment({ ...snapshot, machineVersion: 99 });
  assert.ok(!newer.ok && newer.message.includes('machine version 99'), JSON.stringify(newer));
  const context = snapshot.context as Record<string, unknown>;
  const bad = readStoredDeployment({ ...snapshot, context: { ...context, clock: 'yesterday' } });
  assert.ok(!bad.ok && bad.message.includes('malformed context'), JSON.stringify(bad));
  for (const junk of [null, undefined, 'x', {}, { ...snapshot, value: 'active' }]) {
    assert.not.ok(readStoredDeployment(junk).ok, JSON.stringify(junk));
  }
});

test.run();
