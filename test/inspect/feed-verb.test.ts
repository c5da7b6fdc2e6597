// The `feed` verb on a real cluster: the current state first (paged at its bound), then changes after the cursor.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  MAX_FEED_RECORDS,
  subjects,
  type ApiReply,
  type DeploymentRecord,
  type TransitionReport,
} from '../../packages/protocol/index.js';
import { apiCaller, followAll, type ApiCaller } from '../../cluster/client/index.js';
import { connectCluster, DeploymentStore, type ClusterConnection } from '../../cluster/index.js';
import { Project } from '../harness/project.js';
import { makeRecord } from '../harness/records.js';
import { waitFor } from '../harness/wait.js';
import { jsonLines, webFiles } from './inspect-project.js';

const project = new Project({});
project.write(webFiles({ version: 'v1' }));
let nc: NatsConnection;
let api: ApiCaller;
let node: ClusterConnection;
let store: DeploymentStore;

/** A finished record in its own environment: no agent acts on it, so only the test changes it. */
const finished = (environmentName: string) =>
  makeRecord({
    environmentName,
    nodeId: null,
    status: 'failed',
    state: { status: 'failed', stage: 'building', health: 'pending' },
    completedAt: new Date().toISOString(),
  });

async function put(environmentName: string): Promise<DeploymentRecord> {
  const record = finished(environmentName);
  await store.create({ record, snapshot: null, owner: null });
  return record;
}

/** Every page from `since` 0 until the reply says there is no more. */
async function readAll(environment: string): Promise<{ pages: ApiReply<'feed'>[]; ids: string[] }> {
  const pages: ApiReply<'feed'>[] = [];
  let since = 0;
  for (let more = true; more; ) {
    const page = await api.request('feed', { environment, since, waitMs: 0 });
    pages.push(page);
    since = page.cursor;
    more = page.more;
  }
  return { pages, ids: pages.flatMap((p) => p.records.map((r) => r.id)) };
}

test.before(async () => {
  await project.up();
  nc = await connect({ servers: project.context().natsUrl, ...project.natsOptions('dashboard') });
  api = apiCaller(nc);
  node = await connectCluster({
    servers: project.context().natsUrl,
    name: 'feed-test',
    nats: project.natsOptions('node'),
  });
  store = await DeploymentStore.open(node);
});

test.after(async () => {
  await nc?.close();
  await node?.close();
  await project.remove();
});

test('feed: the current state first, then a change after the cursor, then a deletion, with the dashboard role', async () => {
  const written = [await put('feeda'), await put('feeda'), await put('feeda')];
  const first = await waitFor('the three records indexed', async () => {
    const reply = await api.request('feed', { environment: 'feeda', since: 0, waitMs: 0 });
    return reply.records.length === 3 ? reply : null;
  });
  assert.equal(first.records.map((r) => r.id).sort(), written.map((r) => r.id).sort());
  assert.is(first.more, false);
  assert.is(first.gap, false);
  assert.ok(first.cursor >= Math.max(...first.records.map((r) => r.revision)), 'the cursor covers what was sent');
  const idle = await api.request('feed', { environment: 'feeda', since: first.cursor, waitMs: 200 });
  assert.equal(idle.records, [], 'nothing after the cursor: empty after the wait');
  assert.is(idle.cursor, first.cursor);

  const target = written[1]!;
  const stored = (await store.get(target.id))!;
  const waiting = api.request('feed', { environment: 'feeda', since: first.cursor, waitMs: 3_500 });
  await store.update({ ...stored.value, record: { ...target, failureMessage: 'changed' } }, stored.revision);
  const changed = await waiting;
  assert.equal(
    changed.records.map((r) => [r.id, r.record?.failureMessage]),
    [[target.id, 'changed']],
  );
  assert.ok(changed.cursor > first.cursor);

  await store.remove((await store.get(target.id))!.value);
  const gone = await api.request('feed', { environment: 'feeda', since: changed.cursor, waitMs: 3_000 });
  assert.equal(
    gone.records.map((r) => [r.id, r.record]),
    [[target.id, null]],
    'a deletion is a record of null',
  );
  const other = await api.request('feed', { environment: 'feedz', since: changed.cursor, waitMs: 0 });
  assert.equal(other.records, [], 'another environment sees none of it');
});

test(`feed: a state larger than ${MAX_FEED_RECORDS} records comes in pages, each cursor where the next one starts`, async () => {
  const written: string[] = [];
  for (let i = 0; i < MAX_FEED_RECORDS + 5; i++) written.push((await put('feedb')).id);
  const { pages, ids } = await waitFor('every record indexed', async () => {
    const all = await readAll('feedb');
    return all.ids.length === written.length ? all : null;
  });
  assert.is(pages.length, 2);
  assert.is(pages[0]!.records.length, MAX_FEED_RECORDS, 'the first page is cut at the bound');
  assert.is(pages[0]!.more, true);
  assert.is(pages[0]!.cursor, pages[0]!.records.at(-1)!.revision, 'the cursor is the last revision sent');
  assert.is(pages[1]!.records.length, 5);
  assert.is(pages[1]!.more, false);
  assert.equal([...new Set(ids)].sort(), [...written].sort(), 'every record once');
});

test('feed: bad requests get INVALID_ARGUMENT naming the field', async () => {
  const cases: Array<[string, string]> = [
    [JSON.stringify({ since: -1 }), 'since'],
    [JSON.stringify({}), 'since'],
    [JSON.stringify({ since: 0, environment: 'Not An Env' }), 'environment'],
    [JSON.stringify({ since: 0, waitMs: 600_000 }), 'waitMs'],
    [JSON.stringify({ since: 0, transitions: { after: { agent: 'a', n: -1, at: 0 } } }), 'transitions.after.n'],
  ];
  for (const [body, field] of cases) {
    const reply = (await nc.request(subjects.api('feed'), body, { timeout: 10_000 })).json() as {
      ok: boolean;
      error?: { code: string; message: string; field?: string };
    };
    assert.is(reply.ok, false, body);
    assert.is(reply.error!.code, 'INVALID_ARGUMENT', `${body}: ${reply.error!.message}`);
    assert.is(reply.error!.field, field, `${body}: ${reply.error!.message}`);
  }
});

test('feed: a transition cursor this agent cannot place (another run, long ago) is answered with transitionGap', async () => {
  const now = await api.request('feed', { since: 0, environment: 'feedz', transitions: { after: null }, waitMs: 0 });
  assert.ok(now.transitionCursor, 'a null cursor asks for one: from now on');
  assert.is(now.transitionGap, false);
  const own = await api.request('feed', {
    since: 0,
    environment: 'feedz',
    transitions: { after: now.transitionCursor },
    waitMs: 300,
  });
  assert.is(own.transitionGap, false, 'its own cursor, answered after the wait');
  const stale = { agent: 'an-agent-long-gone', n: 3, at: 1 };
  const lost = await api.request('feed', { since: 0, environment: 'feedz', transitions: { after: stale }, waitMs: 0 });
  assert.is(lost.transitionGap, true, 'reports from then are not all here: the caller is told');
});

test('followAll: a deploy shows up with every transition once; an agent restart while a record is deleted still removes it', async () => {
  const records = new Map<string, DeploymentRecord>();
  const transitions: TransitionReport[] = [];
  const removed: string[] = [];
  let ready = 0;
  const stop = new AbortController();
  const following = followAll(api, {
    signal: stop.signal,
    onRecord: (r) => records.set(r.id, r),
    onRemoved: (id) => {
      records.delete(id);
      removed.push(id);
    },
    onReady: () => ready++,
    onTransition: (t) => transitions.push(t),
  });
  await waitFor('the current state read', () => ready > 0);
  const accepted = jsonLines(await project.ok(['deploy', '--json'])).find((l) => l.type === 'deploy.accepted') as {
    deployments: DeploymentRecord[];
  };
  const id = accepted.deployments[0]!.id;
  await waitFor('the deployment seen active', () => records.get(id)?.promotionStage === 'active');
  const mine = await waitFor('its transitions up to success', () => {
    const list = transitions.filter((t) => t.id === id);
    return list.at(-1)?.after.status === 'succeeded' ? list : null;
  });
  assert.equal(
    mine.map((t) => t.seq),
    mine.map((_, i) => i + 1),
    'each transition once, none missing',
  );

  const doomed = await put('feedc');
  await waitFor('the record to delete seen', () => records.has(doomed.id));
  const nodePid = project.context().children.node!;
  process.kill(nodePid, 'SIGKILL');
  await store.remove((await store.get(doomed.id))!.value);
  await project.restarted('node', nodePid);
  // The restarted agent does not know deletions from before it started: the feed says so and everything is read again.
  await waitFor('the deletion reported', () => removed.includes(doomed.id), 30_000);
  assert.is(ready, 2, 'the cursor predates the restarted agent: a gap, and the whole state read again');
  assert.ok(records.has(id), 'what still exists stays');
  stop.abort();
  await following;
});

test.run();
