// Terminal-safe text: what a workload prints can neither move the cursor, retitle the window, clear the screen nor fake a line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { terminalSafe, terminalSafeLines, terminalSafePainted } from '../terminal-safe.js';
import { Output } from '../terminal-output.js';
import { formatTable } from '../text-table.js';

const HOSTILE = '\x1b]0;pwned\x07\x1b[2J';
/** Anything a terminal would act on: C0 but tab and newline, DEL, C1, bidi and line separators. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('OSC title, clear screen and CSI become visible escapes; printable text is untouched', () => {
  assert.is(terminalSafe(HOSTILE), '\\x1b]0;pwned\\x07\\x1b[2J');
  assert.is(terminalSafe('plain text: ünïcødé ✓ → 100%\tok'), 'plain text: ünïcødé ✓ → 100%\tok');
  assert.is(terminalSafe('a\u009b31mb\u0085c\u007f'), 'a\\x9b31mb\\x85c\\x7f', 'C1 CSI, NEL and DEL');
  assert.is(terminalSafe('abc\u202edcba'), 'abc\\u202edcba', 'a right-to-left override');
});

test('one line stays one line: newline and carriage return are escaped; in laid-out text newlines stay', () => {
  assert.is(terminalSafe('ok\r\n2026-01-01 [stdout] forged line'), 'ok\\x0d\\x0a2026-01-01 [stdout] forged line');
  assert.is(terminalSafeLines('first\nsecond\r\x1b[1A'), 'first\nsecond\\x0d\\x1b[1A');
});

test('every code point from 0 to 0x2fff comes out with nothing a terminal acts on', () => {
  let all = '';
  for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
  assert.not.match(terminalSafe(all), ACTIVE);
  assert.not.match(terminalSafe(all), /\n/);
  assert.not.match(terminalSafeLines(all), ACTIVE);
});

test('Output keeps its own colours and neutralises any other sequence, in data painted or not', () => {
  const out = new Output(false, true);
  const painted = out.paint('red', `failed: ${HOSTILE}`) + ' ' + HOSTILE;
  assert.is(
    terminalSafePainted(painted),
    '\x1b[31mfailed: \\x1b]0;pwned\\x07\\x1b[2J\x1b[0m \\x1b]0;pwned\\x07\\x1b[2J',
  );
  assert.is(
    terminalSafePainted('\x1b[38;5;1mx\x1b[0m'),
    '\\x1b[38;5;1mx\x1b[0m',
    'only the exact codes paint() writes',
  );
  assert.is(terminalSafePainted(terminalSafe('\x1b[31m')), '\\x1b[31m', 'data escaped at its source stays escaped');
});

test('tables escape their cells (a value cannot break the layout)', () => {
  assert.is(formatTable(['NAME', 'VALUE'], [['K', 'a\nb\x1b[2J']]), 'NAME  VALUE\nK     a\\x0ab\\x1b[2J');
});

test.run();
