// Unit tests of how probe failures are worded: the syscall and code, not Node's address-laden message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeError } from '../probe.types.js';

test('a connect error reads "connect ECONNREFUSED"', () => {
  const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), {
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });
  assert.is(describeError(e), 'connect ECONNREFUSED');
});

test('an error with only a code reads as the code; others as their message', () => {
  assert.is(describeError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 'ECONNRESET');
  assert.is(describeError(new Error('odd')), 'odd');
  assert.is(describeError('text'), 'text');
});

test.run();
