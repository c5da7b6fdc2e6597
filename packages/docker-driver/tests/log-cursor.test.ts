// Resuming a container's output after a restart: nothing twice, nothing skipped, bounded state.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogCursor, MAX_REMEMBERED } from '../log-cursor.js';
import { StoredLines } from '../stored-lines.js';

const ts = (ms: number, ns = 0) =>
  new Date(Date.UTC(2026, 0, 1) + ms)
    .toISOString()
    .replace(/\.(\d{3})Z$/, (_m, f: string) => `.${f}${String(ns).padStart(6, '0')}Z`);

test('a fresh cursor reads from the start', () => {
  assert.is(new LogCursor('c1', null).since(), undefined);
  assert.is(new LogCursor('c1', null).sinceIso(), undefined);
});

test("since is the oldest remembered line's time, in Docker's seconds.nanoseconds", () => {
  const c = new LogCursor('c1', null);
  c.delivered([
    { stream: 'stdout', ts: '2026-01-01T00:00:01.000000005Z' },
    { stream: 'stderr', ts: '2026-01-01T00:00:01.200000000Z' },
  ]);
  assert.is(c.since(), `${Date.UTC(2026, 0, 1) / 1000 + 1}.000000005`);
});

test('since as an ISO time to the millisecond, for reading back what was stored', () => {
  const c = new LogCursor('c1', null);
  c.delivered([{ stream: 'stdout', ts: '2026-01-01T00:00:01.123999999Z' }]);
  assert.is(c.sinceIso(), '2026-01-01T00:00:01.123Z');
});

test('stored lines excuse one replayed copy each, matched on stream, time and text', () => {
  const line = { stream: 'stdout' as const, time: '2026-01-01T00:00:01.123Z', text: 'tick 7' };
  const stored = new StoredLines([line, line, { ...line, text: 'tick 8' }]);
  assert.ok(stored.take(line));
  assert.ok(stored.take(line));
  assert.not.ok(stored.take(line), 'a third copy was never stored');
  assert.not.ok(stored.take({ ...line, stream: 'stderr', text: 'tick 8' }));
  assert.ok(stored.take({ ...line, text: 'tick 8' }));
  assert.not.ok(new StoredLines().take(line));
});

test('a replay after a restart skips exactly what was delivered, including a line that arrived out of order', () => {
  const first = new LogCursor('c1', null);
  // Docker's stdout and stderr copiers stamp lines independently: the file can hold them slightly out of time order.
  const sent = [
    { stream: 'stdout' as const, ts: ts(100) },
    { stream: 'stdout' as const, ts: ts(300) },
    { stream: 'stderr' as const, ts: ts(200) },
  ];
  first.delivered(sent);
  const resumed = new LogCursor('c1', first.state());
  const replay = [...sent, { stream: 'stderr' as const, ts: ts(250) }, { stream: 'stdout' as const, ts: ts(400) }];
  assert.equal(
    replay.filter((l) => resumed.accept(l.stream, l.ts)).map((l) => l.ts),
    [ts(250), ts(400)],
  );
  // A key is skipped once: an identical stamp later in the same session is a new line.
  assert.ok(resumed.accept('stdout', ts(100)));
});

test('the same time on both streams is two different lines', () => {
  const first = new LogCursor('c1', null);
  first.delivered([{ stream: 'stdout', ts: ts(5) }]);
  const resumed = new LogCursor('c1', first.state());
  assert.ok(resumed.accept('stderr', ts(5)));
  assert.not.ok(resumed.accept('stdout', ts(5)));
});

test('a cursor saved for another container (the deployment was restarted) starts over', () => {
  const first = new LogCursor('c1', null);
  first.delivered([{ stream: 'stdout', ts: ts(5) }]);
  const other = new LogCursor('c2', first.state());
  assert.is(other.since(), undefined);
  assert.ok(other.accept('stdout', ts(5)));
});

test('only the last half second is remembered, and at most MAX_REMEMBERED keys', () => {
  const c = new LogCursor('c1', null);
  c.delivered([
    { stream: 'stdout', ts: ts(0) },
    { stream: 'stdout', ts: ts(600) },
    { stream: 'stdout', ts: ts(1000) },
  ]);
  assert.equal(c.state().recent, [`${ts(600)} stdout`, `${ts(1000)} stdout`]);
  const busy = new LogCursor('c1', null);
  busy.delivered(Array.from({ length: MAX_REMEMBERED + 50 }, (_, i) => ({ stream: 'stdout' as const, ts: ts(0, i) })));
  const kept = busy.state().recent;
  assert.is(kept.length, MAX_REMEMBERED);
  assert.is(kept[0], `${ts(0, 50)} stdout`);
  assert.is(busy.since(), `${Date.UTC(2026, 0, 1) / 1000}.000000050`);
});

test.run();
