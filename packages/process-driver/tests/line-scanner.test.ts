// Unit tests of cutting log buffers into lines: partial lines, CRLF, long lines and UTF-8 boundaries.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scanLines } from '../line-scanner.js';
import { LineSplitter, LastLines } from '../line-splitter.js';

const opts = { maxLineBytes: 1024, takePartial: false };

test('complete lines are taken, an unfinished last line is left unread', () => {
  const { lines, consumed } = scanLines(Buffer.from('one\ntwo\r\nthr'), opts);
  assert.equal(
    lines.map((l) => l.text),
    ['one', 'two'],
  );
  assert.equal(
    lines.map((l) => l.end),
    [4, 9],
  );
  assert.is(consumed, 9);
});

test('takePartial takes the unfinished line too', () => {
  const { lines, consumed } = scanLines(Buffer.from('one\nthr'), { ...opts, takePartial: true });
  assert.equal(
    lines.map((l) => l.text),
    ['one', 'thr'],
  );
  assert.is(consumed, 7);
});

test('empty lines are lines', () => {
  assert.equal(
    scanLines(Buffer.from('\n\nx\n'), opts).lines.map((l) => l.text),
    ['', '', 'x'],
  );
});

test('an over-long line is cut at a UTF-8 boundary, never inside a character', () => {
  const text = 'é'.repeat(10); // 20 bytes
  const { lines, consumed } = scanLines(Buffer.from(`${text}\n`), { maxLineBytes: 7, takePartial: false });
  assert.equal(
    lines.map((l) => l.text),
    ['ééé', 'ééé', 'ééé', 'é'],
  );
  assert.is(lines.map((l) => l.text).join(''), text);
  assert.is(consumed, 21);
});

test('an over-long line without newline is cut even when partial lines are left', () => {
  const { lines, consumed } = scanLines(Buffer.from('abcdefghij'), { maxLineBytes: 4, takePartial: false });
  assert.equal(
    lines.map((l) => l.text),
    ['abcd', 'efgh'],
  );
  assert.is(consumed, 8);
});

test('LineSplitter joins a character split across chunks', () => {
  const seen: string[] = [];
  const s = new LineSplitter((l) => seen.push(l));
  const bytes = Buffer.from('héllo\nwörld');
  s.push(bytes.subarray(0, 2));
  s.push(bytes.subarray(2, 9));
  assert.equal(seen, ['héllo']);
  s.push(bytes.subarray(9));
  s.flush();
  assert.equal(seen, ['héllo', 'wörld']);
});

test('LastLines keeps the last non-empty lines', () => {
  const l = new LastLines(2);
  for (const x of ['a', '', 'b', '  ', 'c']) l.add(x);
  assert.equal(l.all, ['b', 'c']);
});

test.run();
