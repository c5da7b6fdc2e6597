// Log lines like `docker compose logs`: a service/deployment column, colours only when painting, and followed lines put back in time order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { logTime, type LogLine } from '../../../protocol/index.js';
import { LogColumns, shortId } from '../log-columns.js';
import { LogReorder } from '../log-reorder.js';
import { Output } from '../terminal-output.js';

const line = (
  serviceName: string,
  deploymentId: string,
  stream: LogLine['stream'],
  text: string,
  time = '2026-04-24T10:01:00.123456Z',
): LogLine => ({
  time,
  stream,
  text,
  deploymentId,
  serviceName,
  environmentName: 'production',
  nodeId: 'n1',
});

test('without a service filter each line carries service/short id in a column as wide as the widest', () => {
  const c = new LogColumns(new Output(false, false), true);
  const lines = [
    line('web', 'mi1a2b3c4xk9q2', 'stdout', 'hello'),
    line('worker-long', 'mi1a2b3c4zz7p1', 'stderr', 'oops'),
  ];
  c.fit(lines);
  assert.equal(
    lines.map((l) => c.format(l)),
    [
      'web/4xk9q2         | 2026-04-24T10:01:00Z [stdout]      hello',
      'worker-long/4zz7p1 | 2026-04-24T10:01:00Z [stderr]      oops',
    ],
  );
  assert.is(shortId('mi1a2b3c4xk9q2'), '4xk9q2');
});

test("with --service (no column) a line is exactly the spec's format", () => {
  const c = new LogColumns(new Output(false, false), false);
  assert.is(
    c.format(line('web', 'mi1a2b3c4xk9q2', 'compartment', 'stage: building')),
    '2026-04-24T10:01:00Z [compartment] stage: building',
  );
});

test('painted: a colour per service and for the stderr/compartment tags; the text itself is never painted, its escapes shown', () => {
  const c = new LogColumns(new Output(false, true), true);
  const web = c.format(line('web', 'aaaaaa111111', 'stderr', 'bad \x1b[2J'));
  const api = c.format(line('api', 'bbbbbb222222', 'compartment', 'ok'));
  assert.ok(web.startsWith('\x1b[36mweb/111111\x1b[0m | '), web);
  assert.ok(web.includes('\x1b[31m[stderr]\x1b[0m'), web);
  assert.ok(web.endsWith('bad \\x1b[2J'), 'the workload cannot clear the screen');
  assert.ok(api.startsWith('\x1b[33mapi/222222'), 'the next service gets the next colour');
  assert.ok(api.includes('\x1b[2m[compartment]\x1b[0m'));
  assert.ok(c.format(line('web', 'aaaaaa111111', 'stdout', 'x')).startsWith('\x1b[36m'), 'a service keeps its colour');
});

test('followed lines that arrive out of order within the hold print in time order; none waits much longer than the hold', () => {
  let now = 0;
  const printed: string[] = [];
  const r = new LogReorder(
    (l) => printed.push(l.text),
    250,
    () => now,
  );
  const [a, b, c] = [logTime(), logTime(), logTime()];
  r.push(line('web', 'aaaaaa111111', 'compartment', 'build complete', c)); // the event arrives first
  now = 60;
  r.push(line('web', 'aaaaaa111111', 'stdout', '> build', a));
  r.push(line('web', 'aaaaaa111111', 'stdout', 'bundling', b));
  r.release();
  assert.equal(printed, [], 'still within the hold');
  now = 250;
  r.release();
  assert.equal(printed, ['> build', 'bundling', 'build complete']);
  const late = logTime();
  r.push(line('web', 'aaaaaa111111', 'stdout', 'late', late));
  r.flush();
  assert.equal(printed.at(-1), 'late', 'flush prints what is held');
});

test.run();
