// Build output lines: a line without a newline is emitted in bounded parts, never buffered without end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineSplitter } from '../line-splitter.js';
import { MAX_LOG_LINE } from '../../protocol/index.js';

function collect(max?: number) {
  const lines: string[] = [];
  const s = new LineSplitter((t) => lines.push(t), max);
  return { s, lines };
}

test('ordinary lines come out whole, CR stripped, the unfinished one held until flush', () => {
  const { s, lines } = collect();
  s.push('one\r\ntw');
  s.push(Buffer.from('o\nthr'));
  assert.equal(lines, ['one', 'two']);
  s.flush();
  assert.equal(lines, ['one', 'two', 'thr']);
});

test('10 MB without a newline is emitted in parts of at most MAX_LOG_LINE as it arrives; nothing is lost', () => {
  const { s, lines } = collect();
  const chunk = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 160; i++) s.push(chunk);
  assert.ok(lines.length >= 159 * 2, `${lines.length} parts before the end`);
  assert.ok(
    lines.every((l) => l.length <= MAX_LOG_LINE),
    'every part within the limit',
  );
  s.flush();
  assert.is(
    lines.reduce((n, l) => n + l.length, 0),
    160 * chunk.length,
  );
});

test('a long complete line inside one chunk is split too, never inside a surrogate pair', () => {
  const { s, lines } = collect(5);
  s.push('abcd😀efgh\nok\n');
  assert.equal(lines, ['abcd', '😀efg', 'h', 'ok']);
});

test.run();
