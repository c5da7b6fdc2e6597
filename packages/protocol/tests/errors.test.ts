// CompartmentError is recognised by its brand, so an error made by another copy of the class (a bundle) still is one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompartmentError } from '../index.js';

test('instanceof holds for an error from another copy of the class, and not for a plain Error', () => {
  const foreign = Object.assign(new Error('taken'), { code: 'CONFLICT', [Symbol.for('compartment.error')]: true });
  assert.ok(foreign instanceof CompartmentError);
  assert.ok(new CompartmentError('TIMEOUT', 'slow') instanceof CompartmentError);
  assert.not.ok(new Error('plain') instanceof CompartmentError);
  assert.not.ok(Object.assign(new Error('x'), { code: 'CONFLICT' }) instanceof CompartmentError);
});

test.run();
