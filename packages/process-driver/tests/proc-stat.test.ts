// Unit tests of /proc parsing, pid identity (start time) and exit status decoding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseStat, readStat, isAlive } from '../proc-stat.js';
import { decodeStatus } from '../exit-info.js';

test('parseStat counts fields after the last parenthesis (command names may hold spaces and parens)', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = 'S';
  const s = parseStat(`1234 (a) b (c)) ${fields.join(' ')}`);
  assert.ok(s);
  assert.is(s!.pid, 1234);
  assert.is(s!.state, 'S');
  assert.is(s!.ppid, 4);
  assert.is(s!.pgrp, 5);
  assert.is(s!.startTime, 22);
});

test('this process is alive under its own start time and not under another', async () => {
  const me = await readStat(process.pid);
  assert.ok(me);
  assert.ok(await isAlive(process.pid, me!.startTime));
  assert.not.ok(await isAlive(process.pid, me!.startTime + 1));
  assert.not.ok(await isAlive(2 ** 22 + 7, 1));
});

test('exit statuses above 128 are signals, others are codes', () => {
  assert.equal(decodeStatus(0), { code: 0, signal: null });
  assert.equal(decodeStatus(3), { code: 3, signal: null });
  assert.equal(decodeStatus(143), { code: null, signal: 'SIGTERM' });
  assert.equal(decodeStatus(137), { code: null, signal: 'SIGKILL' });
  assert.equal(decodeStatus(null), { code: null, signal: null });
});

test.run();
