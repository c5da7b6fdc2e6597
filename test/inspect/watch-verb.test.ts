// The `watch` and `source.check` verbs on a real cluster, through the shared client with the cli role's credentials.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CompartmentError, subjects, type DeploymentRecord } from '../../packages/protocol/index.js';
import {
  apiCaller,
  transitionsOf,
  uploadSource,
  watchUntilTerminal,
  type ApiCaller,
  type WatchEvent,
} from '../../cluster/client/index.js';
import { Project } from '../harness/project.js';
import { jsonLines, webFiles } from './inspect-project.js';

const project = new Project({});
const flag = join(project.dir, 'go-ahead');
project.write(webFiles({ version: 'v1', readyWhenFile: flag }));
let nc: NatsConnection;
let api: ApiCaller;

const cliConnection = () => connect({ servers: project.context().natsUrl, ...project.natsOptions('cli') });

/** The raw reply envelope of a request as any NATS client sends it (the shared client validates before sending). */
async function raw(verb: 'watch' | 'source.check', body: string): Promise<{ ok: boolean; error?: CompartmentError }> {
  const reply = (await nc.request(subjects.api(verb), body, { timeout: 10_000 })).json() as {
    ok: boolean;
    error?: { code: string; message: string; field?: string };
  };
  return reply.ok ? { ok: true } : { ok: false, error: reply.error as unknown as CompartmentError };
}

test.before(async () => {
  await project.up();
  nc = await cliConnection();
  api = apiCaller(nc);
});

test.after(async () => {
  await nc?.close();
  await project.remove();
});

test('source.check: an unknown digest is absent; once uploaded it is present, and a second upload sends nothing', async () => {
  const bytes = randomBytes(4096);
  const digest = `sha256-${createHash('sha256').update(bytes).digest('hex')}`;
  assert.equal(await api.request('source.check', { digest }), { present: false });
  assert.is(await uploadSource(api, digest, bytes), true, 'uploaded into the store the agents made');
  assert.equal(await api.request('source.check', { digest }), { present: true });
  assert.is(await uploadSource(api, digest, bytes), false, 'already there: no upload');
});

test('watch: the current record at once, each newer revision in order to the end, and the journal 1..n', async () => {
  const accepted = jsonLines(await project.ok(['deploy', '--detach', '--json'])).find(
    (l) => l.type === 'deploy.accepted',
  ) as { deployments: DeploymentRecord[] };
  const created = accepted.deployments[0]!;
  const first = await api.request('watch', { deployments: [{ id: created.id, revision: 0 }], waitMs: 0 });
  assert.is(first.records.length >= 1, true, 'a record the caller has not seen comes at once');
  assert.is(first.records[0]!.record?.id, created.id);

  const events: WatchEvent[] = [];
  const following = watchUntilTerminal(api, [created], (e) => events.push(e));
  writeFileSync(flag, 'go');
  const finals = await following;
  assert.is(finals.get(created.id)?.status, 'succeeded');
  const stages = events.map((e) => (e.type === 'updated' ? e.record.promotionStage : 'gone'));
  assert.is(stages.at(-1), 'active');
  assert.ok(stages.includes('checking_readiness'), `the stages on the way were seen: ${stages.join(', ')}`);

  const last = await api.request('watch', { deployments: [{ id: created.id, revision: 0 }], waitMs: 0 });
  const revision = last.records.at(-1)!.revision;
  const idle = await api.request('watch', { deployments: [{ id: created.id, revision }], waitMs: 200 });
  assert.equal(idle.records, [], 'nothing newer than the cursor: an empty answer after the wait');

  const { transitions, journal } = await transitionsOf(api, created.id);
  assert.is(journal, true);
  assert.equal(
    transitions.map((t) => t.seq),
    transitions.map((_, i) => i + 1),
    'the journal, numbered 1..n',
  );
  assert.is(transitions.at(-1)!.after.status, 'succeeded');
  const after = transitions[2]!;
  const rest = await api.request('watch', {
    deployments: [{ id: created.id, revision }],
    transitions: { after: { nodeId: after.nodeId, seq: after.seq } },
    waitMs: 0,
  });
  assert.equal(
    rest.transitions.map((t) => t.seq),
    transitions.slice(3).map((t) => t.seq),
    'only what follows the cursor',
  );
});

test('hostile requests get a coded error (INVALID_ARGUMENT, TOO_LARGE) naming the field, from the server itself', async () => {
  const id = 'abc123';
  const cases: Array<[string, 'watch' | 'source.check', string, string | undefined]> = [
    ['not JSON', 'watch', '{"deployments": [', undefined],
    ['no deployments', 'watch', '{"deployments": []}', 'deployments'],
    [
      'too many deployments (about 150 KB)',
      'watch',
      JSON.stringify({ deployments: Array.from({ length: 5_000 }, () => ({ id, revision: 0 })) }),
      'deployments',
    ],
    ['a wait over the limit', 'watch', JSON.stringify({ deployments: [{ id }], waitMs: 600_000 }), 'waitMs'],
    ['a negative revision', 'watch', JSON.stringify({ deployments: [{ id, revision: -1 }] }), 'deployments.0.revision'],
    ['an unknown field', 'watch', JSON.stringify({ deployments: [{ id }], follow: true }), undefined],
    [
      'transitions of two deployments',
      'watch',
      JSON.stringify({ deployments: [{ id }, { id: 'def456' }], transitions: { after: null } }),
      'transitions',
    ],
    [
      'a huge node id in the cursor',
      'watch',
      JSON.stringify({ deployments: [{ id }], transitions: { after: { nodeId: 'n'.repeat(10_000), seq: 1 } } }),
      'transitions.after.nodeId',
    ],
    ['a path as digest', 'source.check', JSON.stringify({ digest: '../../etc/passwd' }), 'digest'],
  ];
  for (const [what, verb, body, field] of cases) {
    const reply = await raw(verb, body);
    assert.is(reply.ok, false, what);
    const code = /^(too many|a huge)/.test(what) ? 'TOO_LARGE' : 'INVALID_ARGUMENT';
    assert.is(reply.error!.code, code, `${what}: ${reply.error!.message}`);
    if (field) assert.is(reply.error!.field, field, `${what}: ${reply.error!.message}`);
  }
  const local = await api.request('watch', { deployments: [], waitMs: 0 }).catch((e: CompartmentError) => e);
  assert.instance(local, CompartmentError, 'the shared client refuses it before sending');
  assert.is((local as CompartmentError).code, 'INVALID_ARGUMENT');
});

test('clients that vanish in the middle of their waits leave the agents answering everyone else', async () => {
  const gone = await cliConnection();
  const body = JSON.stringify({ deployments: [{ id: 'zzz999' }], waitMs: 4_000 });
  const pending = Array.from({ length: 50 }, () => gone.request(subjects.api('watch'), body, { timeout: 30_000 }));
  await gone.flush();
  await gone.close();
  await Promise.allSettled(pending);
  const status = await api.request('status', { environment: 'production', all: false });
  assert.ok(status.deployments.length >= 1, 'status answered while the dead waits ran out');
  const now = await api.request('watch', { deployments: [{ id: 'zzz999', revision: 0 }], waitMs: 0 });
  assert.equal(now.records, []);
});

test.run();
