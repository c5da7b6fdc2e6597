// Build slots: at most N at once, first come first served, withdrawals and double releases are harmless.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BuildSlots } from '../build-slots.js';

test('grants up to capacity, queues the rest in order', () => {
  const slots = new BuildSlots(2);
  const granted: string[] = [];
  const releases = ['a', 'b', 'c', 'd'].map((id) => slots.request(() => granted.push(id)));
  assert.equal(granted, ['a', 'b']);
  assert.is(slots.queued, 2);
  releases[0]!();
  assert.equal(granted, ['a', 'b', 'c']);
  releases[0]!();
  assert.equal(granted, ['a', 'b', 'c'], 'a second release frees nothing more');
  assert.is(slots.inUse, 2);
});

test('a waiter that withdraws is never granted', () => {
  const slots = new BuildSlots(1);
  const granted: string[] = [];
  const a = slots.request(() => granted.push('a'));
  const b = slots.request(() => granted.push('b'));
  slots.request(() => granted.push('c'));
  b();
  a();
  assert.equal(granted, ['a', 'c']);
});

test('capacity must be a positive integer', () => {
  assert.throws(() => new BuildSlots(0), /positive integer/);
});

test.run();
