// Docker's multiplexed log frames split at any byte, timestamps, and the last stderr line of a finished container.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FrameDecoder, isoTime, lastErrorLine, nanosOf, stampedLine } from '../log-frames.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

test('frames split across chunks at every possible byte come out whole, in order, with their stream', () => {
  const all = Buffer.concat([
    frame(1, '2026-01-01T00:00:00.000000001Z out ✓\n'),
    frame(2, '2026-01-01T00:00:00.000000002Z err\n'),
    frame(1, ''),
  ]);
  for (let cut = 0; cut <= all.length; cut++) {
    const d = new FrameDecoder();
    const frames = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
    assert.equal(
      frames.map((f) => f.stream),
      ['stdout', 'stderr', 'stdout'],
      `cut at ${cut}`,
    );
    assert.is(frames[0]!.text, '2026-01-01T00:00:00.000000001Z out ✓\n');
    assert.is(d.pending, 0);
  }
});

test('one byte at a time', () => {
  const all = Buffer.concat([frame(2, 'a\n'), frame(1, 'b\n')]);
  const d = new FrameDecoder();
  const frames = [...all].flatMap((b) => d.push(Buffer.from([b])));
  assert.equal(frames, [
    { stream: 'stderr', text: 'a\n' },
    { stream: 'stdout', text: 'b\n' },
  ]);
});

test('a stamped frame splits into time and text; the newline goes, inner spaces stay', () => {
  assert.equal(stampedLine({ stream: 'stdout', text: '2026-11-26T16:48:23.245837617Z listening on  8080\n' }), {
    stream: 'stdout',
    ts: '2026-11-26T16:48:23.245837617Z',
    text: 'listening on  8080',
  });
  assert.equal(stampedLine({ stream: 'stderr', text: '2026-11-26T16:48:23.245837617Z \n' })?.text, '');
  assert.is(stampedLine({ stream: 'stdout', text: 'no stamp here\n' }), null);
});

test('times: ISO with milliseconds for log lines, nanoseconds for ordering', () => {
  assert.is(isoTime('2026-11-26T16:48:23.245837617Z'), '2026-11-26T16:48:23.245Z');
  assert.is(isoTime('2026-11-26T16:48:23Z'), '2026-11-26T16:48:23.000Z');
  assert.is(isoTime('2026-11-26T16:48:23.5Z'), '2026-11-26T16:48:23.500Z');
  assert.is(nanosOf('1970-01-01T00:00:01.000000002Z'), 1_000_000_002n);
  assert.is(nanosOf('2026-11-26T16:48:23.2Z')! - nanosOf('2026-11-26T16:48:23Z')!, 200_000_000n);
  assert.is(nanosOf('yesterday'), null);
});

test('the last non-empty stderr line of a logs answer', () => {
  const buf = Buffer.concat([
    frame(2, 'first\n'),
    frame(1, 'stdout later\n'),
    frame(2, 'fatal: exiting on purpose\n'),
    frame(2, '\n'),
  ]);
  assert.is(lastErrorLine(buf), 'fatal: exiting on purpose');
  assert.is(lastErrorLine(frame(1, 'only stdout\n')), null);
});

test.run();
