// The one RPC layer against a real nats-server: hostile bodies get coded errors, big replies arrive whole or TOO_LARGE.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CompartmentError, RPC, type TransitionReport } from '../../packages/protocol/index.js';
import { askLeader, call, gather, serve, serveLeader, serveNode, transitionHistory } from '../../cluster/rpc/index.js';
import { startNatsServer, type NatsServer } from '../harness/nats-server.js';

let server: NatsServer;
let a: NatsConnection;
let b: NatsConnection;
const internal: string[] = [];
const onInternalError = (name: string, e: unknown) => internal.push(`${name}: ${(e as Error).message}`);

test.before(async () => {
  server = await startNatsServer('rpc-layer');
  a = await connect({ servers: server.url });
  b = await connect({ servers: server.url });
});
test.after(async () => {
  await a?.close();
  await b?.close();
  await server?.dispose();
});

const fail = (why: string): never => {
  throw new Error(why);
};
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: CompartmentError) => e.code ?? String(e),
  );
const raw = async (subject: string, body: string | Uint8Array) =>
  JSON.parse(new TextDecoder().decode((await b.request(subject, body, { timeout: 2_000 })).data));

test('malformed, truncated and wrong-typed bodies get INVALID_ARGUMENT naming the field; the server keeps serving', async () => {
  const subs = serveNode(
    a,
    'n1',
    {
      deliver: async () => fail('deliver ran'),
      stop: async () => undefined,
      transitions: () => [],
      instance: async () => fail('instance ran'),
    },
    onInternalError,
  );
  await a.flush();
  const subject = RPC.nodeStop.subject({ nodeId: 'n1' });
  for (const body of [
    'null',
    '{}',
    '[]',
    '{"id":',
    'x'.repeat(100_000),
    '{"id":7}',
    '{"id":"abc123","extra":1}',
    '"\\u0000"',
    '{"__proto__":{"id":"abc123"}}',
  ]) {
    const reply = await raw(subject, body);
    assert.is(reply.ok, false, body.slice(0, 40));
    assert.is(reply.error.code, 'INVALID_ARGUMENT', body.slice(0, 40));
  }
  const wrongEvent = await raw(
    RPC.nodeDeliver.subject({ nodeId: 'n1' }),
    JSON.stringify({ id: 'abc123', event: { type: 'readiness.attempt', ok: 'yes' } }),
  );
  assert.is(wrongEvent.error.code, 'INVALID_ARGUMENT');
  assert.match(wrongEvent.error.field, /^event/);
  assert.equal(await call(b, RPC.nodeStop, { nodeId: 'n1' }, { id: 'abc123' }), {});
  for (const s of subs) s.unsubscribe();
});

test('a handler that throws synchronously or rejects answers INTERNAL and the subscription lives on', async () => {
  let n = 0;
  const sub = serve(
    a,
    RPC.nodeStop,
    { nodeId: 'n2' },
    (() => {
      n++;
      if (n === 1) throw new Error('boom (sync)');
      if (n === 2) return Promise.reject(new Error('boom (async)'));
      return Promise.resolve({});
    }) as never,
    { onInternalError },
  );
  await a.flush();
  const subject = RPC.nodeStop.subject({ nodeId: 'n2' });
  assert.is((await raw(subject, '{"id":"abc123"}')).error.code, 'INTERNAL');
  assert.is((await raw(subject, '{"id":"abc123"}')).error.code, 'INTERNAL');
  assert.equal(await call(b, RPC.nodeStop, { nodeId: 'n2' }, { id: 'abc123' }), {});
  assert.ok(
    internal.some((t) => /boom \(sync\)/.test(t)) && internal.some((t) => /boom \(async\)/.test(t)),
    internal.join('\n'),
  );
  sub.unsubscribe();
});

test('a transition history over 1 MB arrives whole, in order, over several messages', async () => {
  const reports: TransitionReport[] = Array.from({ length: 3_000 }, (_, i) => ({
    id: 'abc123',
    seq: i + 1,
    nodeId: 'n3',
    event: 'readiness.attempt',
    raised: [],
    data: { detail: 'GET /ready → 503 '.padEnd(400, '.') },
    before: { status: 'running', stage: 'checking_readiness', health: 'pending' },
    after: { status: 'running', stage: 'checking_readiness', health: 'pending' },
    at: new Date().toISOString(),
  }));
  assert.ok(JSON.stringify(reports).length > 1_300_000);
  const subs = serveNode(
    a,
    'n3',
    {
      deliver: async () => fail('deliver ran'),
      stop: async () => undefined,
      transitions: () => reports,
      instance: async () => fail('instance ran'),
    },
    onInternalError,
  );
  await a.flush();
  const direct = await call(b, RPC.nodeTransitions, { nodeId: 'n3' }, { id: 'abc123' }).catch((e) => e);
  assert.ok(!(direct instanceof Error), String(direct?.message));
  const got = await transitionHistory(b, 'n3', 'abc123', 5_000);
  assert.is(got?.length, 3_000);
  assert.equal(
    got!.map((r) => r.seq),
    reports.map((r) => r.seq),
  );
  for (const s of subs) s.unsubscribe();
});

test('a reply that cannot be chunked and is over the limit is refused with TOO_LARGE, not sent (nothing crashes)', async () => {
  const sub = serve(
    a,
    RPC.api.inspect,
    undefined,
    async () => ({ deployment: { blob: 'x'.repeat(2_000_000) } }) as never,
    { onInternalError },
  );
  await a.flush();
  const err = await call(b, RPC.api.inspect, undefined, { id: 'abc123' }, { timeoutMs: 3_000 }).catch((e) => e);
  assert.is(err.code, 'TOO_LARGE', err.message);
  sub.unsubscribe();
});

test('askLeader retries NOT_LEADER and reaches the leader; a CONFLICT is returned at once, never retried', async () => {
  let asked = 0;
  const body = { environment: 'production', service: 'web', idempotencyKey: 'k'.repeat(16) };
  const sub = serveLeader(a, RPC.leaderRollback, async () => {
    asked++;
    if (asked < 3) throw new CompartmentError('NOT_LEADER', 'stepping down');
    throw new CompartmentError('CONFLICT', 'the route changed underneath');
  });
  await a.flush();
  assert.is(await codeOf(askLeader(b, RPC.leaderRollback, body)), 'CONFLICT');
  assert.is(asked, 3, 'two NOT_LEADER retries, then the CONFLICT once');
  sub.unsubscribe();
});

test('gather keeps every well-formed edge answer and drops a hostile one', async () => {
  const state = { edgeId: 'e1', refreshMs: 20, routes: [], inFlight: [], at: new Date().toISOString() };
  const good = serve(a, RPC.edgeState, undefined, async () => state);
  const liar = serve(a, RPC.edgeState, undefined, async () => ({ ...state, edgeId: 'e2', refreshMs: 2e9 }));
  const rude = b.subscribe(RPC.edgeState.subject(), { callback: (_e, m) => void m.respond('not json') });
  await a.flush();
  await b.flush();
  const states = await gather(b, RPC.edgeState, undefined, {}, { maxWaitMs: 1_000 });
  assert.equal(
    states.map((s) => s.edgeId),
    ['e1'],
  );
  good.unsubscribe();
  liar.unsubscribe();
  rude.unsubscribe();
});

test('a responder that never answers is a TIMEOUT (a read-only request is asked three times first)', async () => {
  const asked: number[] = [];
  const silent = a.subscribe(RPC.nodeTransitions.subject({ nodeId: 'n9' }), {
    callback: () => void asked.push(Date.now()),
  });
  await a.flush();
  const err = await call(b, RPC.nodeTransitions, { nodeId: 'n9' }, { id: 'abc123' }, { timeoutMs: 200 }).catch(
    (e) => e,
  );
  assert.is(err.code, 'TIMEOUT', err.message);
  assert.is(asked.length, 3);
  silent.unsubscribe();
});

test('no INTERNAL error was reported but the ones provoked', () => {
  assert.ok(
    internal.every((t) => /boom/.test(t)),
    internal.join('\n'),
  );
});

test.run();
