// The log reader's pure ordering: time order across batches, since, tail, and subject filters that cannot carry wildcards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isoMicros, logTime, timeKey, type LogBatch } from '../../../packages/protocol/index.js';
import { logSubjectOf, selectTail, countLines, type StoredBatch } from '../log-order.js';

const batch = (service: string, lines: Array<[string, string]>): LogBatch => ({
  deploymentId: 'dep001',
  serviceName: service,
  environmentName: 'production',
  nodeId: null,
  stream: 'stdout',
  lines: lines.map(([time, text]) => ({ time, text })),
});

test('lines of several batches come out in time order, stream order breaking ties', () => {
  const stored: StoredBatch[] = [
    {
      seq: 1,
      batch: batch('a', [
        ['2026-01-01T00:00:02.000Z', 'a2'],
        ['2026-01-01T00:00:04Z', 'a4'],
      ]),
    },
    {
      seq: 2,
      batch: batch('b', [
        ['2026-01-01T00:00:01Z', 'b1'],
        ['2026-01-01T00:00:03.500Z', 'b3'],
        ['2026-01-01T00:00:04.000Z', 'b4'],
      ]),
    },
  ];
  assert.equal(
    selectTail(stored, 10, null).map((l) => l.text),
    ['b1', 'a2', 'b3', 'a4', 'b4'],
  );
  assert.equal(
    selectTail(stored, 2, null).map((l) => l.text),
    ['a4', 'b4'],
  );
  assert.equal(
    selectTail(stored, 10, Date.parse('2026-01-01T00:00:03Z')).map((l) => l.text),
    ['b3', 'a4', 'b4'],
  );
  assert.is(countLines(stored, Date.parse('2026-01-01T00:00:03Z')), 3);
  assert.equal(selectTail(stored, 0, null), []);
  const line = selectTail(stored, 1, null)[0]!;
  assert.equal(line, {
    deploymentId: 'dep001',
    serviceName: 'b',
    environmentName: 'production',
    nodeId: null,
    stream: 'stdout',
    time: '2026-01-01T00:00:04.000Z',
    text: 'b4',
  });
});

test("a build's last stdout line and `build complete` in the same millisecond: the event batch stored first no longer wins", () => {
  // The event flushes at once (seq 1), the build's stdout 50 ms later (seq 2); both were stamped within one millisecond.
  const [out1, out2, done] = [logTime(), logTime(), logTime()];
  const event = { ...batch('web', [[done, 'build complete']]), stream: 'compartment' as const };
  const stored: StoredBatch[] = [
    { seq: 1, batch: event },
    {
      seq: 2,
      batch: batch('web', [
        [out1, '> web@1.0.0 build'],
        [out2, 'bundling…'],
      ]),
    },
  ];
  assert.equal(
    selectTail(stored, 10, null).map((l) => l.text),
    ['> web@1.0.0 build', 'bundling…', 'build complete'],
  );
});

test('logTime: strictly increasing microsecond ISO times that parse and sort as times, also when the clock steps back', () => {
  const times = Array.from({ length: 5000 }, () => logTime());
  for (let i = 1; i < times.length; i++)
    assert.ok(timeKey(times[i]!) > timeKey(times[i - 1]!), `${times[i - 1]} < ${times[i]}`);
  assert.match(times[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  assert.ok(Math.abs(Date.parse(times.at(-1)!) - Date.now()) < 60_000, 'close to the wall clock');
  const realNow = Date.now;
  try {
    Date.now = () => realNow() - 3_600_000;
    assert.ok(timeKey(logTime()) > timeKey(times.at(-1)!), 'an hour back on the wall clock still sorts after');
  } finally {
    Date.now = realNow;
  }
  assert.is(isoMicros(1_767_225_600_123_456), '2026-01-01T00:00:00.123456Z');
  assert.is(timeKey('2026-01-01T00:00:00.123456Z') - timeKey('2026-01-01T00:00:00.123Z'), 456);
  assert.is(timeKey('2026-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z') * 1000);
});

test('subject filters: wildcards for what is unset, names validated', () => {
  assert.is(logSubjectOf({ env: 'production' }), 'compartment.logs.production.*.*.*');
  assert.is(
    logSubjectOf({ env: 'staging', service: 'api', stream: 'stderr' }),
    'compartment.logs.staging.api.*.stderr',
  );
  assert.throws(() => logSubjectOf({ env: 'prod.>' }));
  assert.throws(() => logSubjectOf({ service: '*' }));
  assert.throws(() => logSubjectOf({ deploymentId: 'a.b' }));
});

test.run();
