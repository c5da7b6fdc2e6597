// A memoized endpoint against a real nats-server: the handler runs once per request and state version, errors are never kept.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CompartmentError, RPC } from '../../packages/protocol/index.js';
import { MAX_MEMO_ENTRIES, ReplyMemo, serveService } from '../../cluster/rpc/index.js';
import { startNatsServer, type NatsServer } from '../harness/nats-server.js';

let server: NatsServer;
let nc: NatsConnection;
let version = 0;
let runs = 0;
const memo = new ReplyMemo({ version: () => version });

test.before(async () => {
  server = await startNatsServer('reply-memo');
  nc = await connect({ servers: server.url });
  const info = { name: 'memo_test', version: '0.0.1', description: 'memo test', queue: 'q', metadata: {} };
  // Replies are not validated on the serving side, so the handler can say how often it ran and for which state.
  await serveService(nc, info, [
    {
      spec: RPC.api.status,
      memo,
      handler: async (req: { service?: string }) => {
        runs++;
        if (req.service === 'missing') throw new CompartmentError('SERVICE_NOT_FOUND', 'no such service', 'service');
        return { deployments: [], run: runs, version, service: req.service ?? null } as never;
      },
    },
  ]);
});
test.after(async () => {
  await nc?.close();
  await server?.dispose();
});

const askText = async (text: string) =>
  JSON.parse(
    new TextDecoder().decode((await nc.request(RPC.api.status.subject(undefined), text, { timeout: 2_000 })).data),
  );
const ask = (body: object) => askText(JSON.stringify(body));

test('an unchanged state answers the same request from memory; a new version runs the handler again', async () => {
  const first = await ask({ environment: 'production' });
  const again = await ask({ environment: 'production', all: false });
  assert.equal(again, first, 'the same question (defaults filled in) gets the stored bytes');
  assert.is(runs, 1);
  const other = await ask({ environment: 'production', service: 'web' });
  assert.is(other.result.service, 'web');
  assert.is(runs, 2);
  version++;
  const fresh = await ask({ environment: 'production' });
  assert.is(fresh.result.version, 1);
  assert.is(runs, 3);
});

test('the same body sent again is answered from memory only while its version stands; a body that fails validation never is', async () => {
  const body = { environment: 'staging', rows: true };
  const first = await ask(body);
  const before = runs;
  assert.equal(await ask(body), first, 'repeated byte for byte: the stored reply');
  assert.equal(await ask({ rows: true, environment: 'staging' }), first, 'spelled otherwise, the same question');
  assert.is(runs, before);
  version++;
  assert.is((await ask(body)).result.version, version, 'a new version runs the handler again');
  assert.is(runs, before + 1);
  for (let i = 0; i < 2; i++)
    assert.is((await ask({ environment: 'staging', rows: 'yes' })).error.code, 'INVALID_ARGUMENT');
  const kept = memo.bodiesKept;
  const long = `${' '.repeat(1_100)}${JSON.stringify(body)}`;
  assert.equal(await askText(long), await ask(body), 'a body over 1 KiB gets the same answer');
  assert.is(memo.bodiesKept, kept, 'but is not kept as sent');
});

test('errors are answered afresh every time', async () => {
  const before = runs;
  for (let i = 0; i < 3; i++) assert.is((await ask({ service: 'missing' })).error.code, 'SERVICE_NOT_FOUND');
  assert.is(runs, before + 3);
});

test(`at most ${MAX_MEMO_ENTRIES} distinct requests are kept`, async () => {
  for (let i = 0; i < MAX_MEMO_ENTRIES + 20; i++) await ask({ service: `svc-${i}` });
  assert.is(memo.size, MAX_MEMO_ENTRIES);
  assert.is(memo.bodiesKept, MAX_MEMO_ENTRIES, 'so are the bodies as sent');
  const before = runs;
  await ask({ service: `svc-${MAX_MEMO_ENTRIES + 19}` });
  assert.is(runs, before, 'the newest entry is kept');
  await ask({ service: 'svc-0' });
  assert.is(runs, before + 1, 'the oldest was forgotten');
});

test.run();
