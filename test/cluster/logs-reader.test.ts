// readLogs and followLogs against a real nats-server: tail across services in time order, since, nextSequence + follow.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogPublisher, readLogs, followLogs, type FollowedLine } from '../../cluster/index.js';
import type { CompartmentError } from '../../packages/protocol/index.js';
import { startFixture, type Fixture } from './fixture.js';

let fx: Fixture;
let publisher: LogPublisher;
const T0 = Date.parse('2026-04-24T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const web = { deploymentId: 'web001', serviceName: 'web', environmentName: 'production', nodeId: 'n1' };
const api = { deploymentId: 'api001', serviceName: 'api', environmentName: 'production', nodeId: 'n2' };

test.before(async () => {
  fx = await startFixture();
  publisher = new LogPublisher(fx.conn);
  // web's lines are stored first, api's after, but their times interleave: the reader must order by time.
  await publisher.write(
    web,
    'stdout',
    [0, 2, 4, 6, 8].map((s) => ({ time: at(s * 1000), text: `web ${s}` })),
  );
  await publisher.flush();
  await publisher.write(
    api,
    'stdout',
    [1, 3, 5, 7, 9].map((s) => ({ time: at(s * 1000), text: `api ${s}` })),
  );
  await publisher.write(api, 'compartment', [{ time: at(9500), text: 'api stage: active' }]);
  await publisher.flush();
});
test.after(async () => {
  await fx?.dispose();
});

test('tail across two services comes back in time order', async () => {
  const { lines, nextSequence } = await readLogs(fx.conn, { env: 'production' }, { tail: 6 });
  assert.equal(
    lines.map((l) => l.text),
    ['api 5', 'web 6', 'api 7', 'web 8', 'api 9', 'api stage: active'],
  );
  assert.equal(
    lines.map((l) => l.serviceName),
    ['api', 'web', 'api', 'web', 'api', 'api'],
  );
  assert.is(lines[5]!.stream, 'compartment');
  assert.is(lines[0]!.nodeId, 'n2');
  const info = await fx.conn.jsm.streams.info('COMPARTMENT_LOGS');
  assert.is(nextSequence, info.state.last_seq + 1);
});

test('filters: one service, one stream; tail larger than what exists returns everything', async () => {
  const web1 = await readLogs(fx.conn, { env: 'production', service: 'web' }, { tail: 100 });
  assert.equal(
    web1.lines.map((l) => l.text),
    ['web 0', 'web 2', 'web 4', 'web 6', 'web 8'],
  );
  const events = await readLogs(fx.conn, { env: 'production', stream: 'compartment' }, { tail: 100 });
  assert.equal(
    events.lines.map((l) => l.text),
    ['api stage: active'],
  );
  const none = await readLogs(fx.conn, { env: 'staging' }, { tail: 100 });
  assert.equal(none.lines, []);
  assert.is(none.nextSequence, web1.nextSequence);
});

test('since keeps only lines at or after it, and tail still applies', async () => {
  const { lines } = await readLogs(fx.conn, { env: 'production' }, { tail: 100, since: at(5000) });
  assert.equal(
    lines.map((l) => l.text),
    ['api 5', 'web 6', 'api 7', 'web 8', 'api 9', 'api stage: active'],
  );
  const two = await readLogs(fx.conn, { env: 'production' }, { tail: 2, since: at(5000) });
  assert.equal(
    two.lines.map((l) => l.text),
    ['api 9', 'api stage: active'],
  );
  const err = await readLogs(fx.conn, { env: 'production' }, { since: 'yesterday' }).catch((e: unknown) => e);
  assert.is((err as CompartmentError).code, 'INVALID_ARGUMENT');
});

test('follow from nextSequence receives only lines written after the read', async () => {
  const { nextSequence } = await readLogs(fx.conn, { env: 'production', service: 'web' }, { tail: 1 });
  const follow = followLogs(fx.conn, { env: 'production', service: 'web' }, nextSequence);
  const got: FollowedLine[] = [];
  const done = (async () => {
    for await (const line of follow) {
      got.push(line);
      if (got.length === 2) follow.stop();
    }
  })();
  await publisher.write(api, 'stdout', ['not for web']);
  await publisher.write(web, 'stdout', ['new web line 1']);
  await publisher.flush();
  await publisher.write(web, 'stderr', ['new web line 2']);
  await publisher.flush();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('follow saw nothing')), 10_000))),
  ]).finally(() => {
    clearTimeout(timer);
    follow.stop();
  });
  assert.equal(
    got.map((l) => [l.text, l.stream]),
    [
      ['new web line 1', 'stdout'],
      ['new web line 2', 'stderr'],
    ],
  );
  assert.ok(got[0]!.sequence >= nextSequence);
});

test('follow can be stopped before anything arrives', async () => {
  const follow = followLogs(fx.conn, { env: 'nowhere' }, 1);
  const done = (async () => {
    let n = 0;
    for await (const _ of follow) n++;
    return n;
  })();
  await sleep(100);
  follow.stop();
  assert.is(await done, 0);
});

test('the tail of a quiet service is found behind a large stream of another one', async () => {
  const quiet = { deploymentId: 'quiet001', serviceName: 'quiet', environmentName: 'production', nodeId: null };
  const noisy = { deploymentId: 'noisy001', serviceName: 'noisy', environmentName: 'production', nodeId: null };
  await publisher.write(quiet, 'stdout', ['quiet 1', 'quiet 2', 'quiet 3']);
  await publisher.flush();
  // 200,000 lines in batches of 50: 4,000 messages stored after the quiet service's only one.
  const small = new LogPublisher(fx.conn, { maxBatchLines: 50 });
  for (let i = 0; i < 200_000; i += 1000)
    await small.write(
      noisy,
      'stdout',
      Array.from({ length: 1000 }, (_, j) => `noisy ${i + j}`),
    );
  await small.flush();
  const started = performance.now();
  const { lines } = await readLogs(fx.conn, { env: 'production', service: 'quiet' }, { tail: 2 });
  const quietMs = performance.now() - started;
  assert.equal(
    lines.map((l) => l.text),
    ['quiet 2', 'quiet 3'],
  );
  const t2 = performance.now();
  const last = await readLogs(fx.conn, { env: 'production', service: 'noisy' }, { tail: 100 });
  const noisyMs = performance.now() - t2;
  assert.equal(
    last.lines.map((l) => l.text),
    Array.from({ length: 100 }, (_, i) => `noisy ${199_900 + i}`),
  );
  const { state } = await fx.conn.jsm.streams.info('COMPARTMENT_LOGS');
  console.log(
    `  stream of ${state.messages} messages: tail 2 of a quiet service in ${quietMs.toFixed(0)} ms, tail 100 of the noisy one in ${noisyMs.toFixed(0)} ms`,
  );
});

test.run();
