// 10,000+ hostile messages to every subject a running cluster answers, while status keeps being asked every 100 ms.
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Worker } from 'node:worker_threads';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { API_VERBS, RPC, inboxPrefixOf, subjects } from '../../packages/protocol/index.js';
import { call } from '../../cluster/rpc/index.js';
import { Project, alive } from '../harness/project.js';
import { webProject } from '../e2e/apps.js';
import { KINDS, hostilePayload, prng } from './fuzz-messages.js';

const MESSAGES = 10_500;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1e9);
const project = new Project(webProject({ version: 'v1' }));
test.after(() => project.remove());

type Target = [subject: string, template: Record<string, unknown>];
interface AskerStats {
  asked: number;
  longest: number;
  failures: string[];
}

const DEPLOY = {
  environment: 'production',
  services: [{ name: 'web', config: { start: 'node x.js' }, sourceDigest: 'sha256-' + '0'.repeat(64) }],
  idempotencyKey: 'fuzzfuzzfuzz',
};

function targets(nodeId: string, edgeId: string): Target[] {
  const event = { type: 'readiness.attempt', at: new Date().toISOString(), ok: true, detail: 'x', latencyMs: 1 };
  return [
    ...API_VERBS.map(
      (v): Target => [
        subjects.api(v),
        v === 'deploy' ? DEPLOY : { environment: 'production', service: 'web', id: 'abc123', name: 'K', value: 'v' },
      ],
    ),
    [subjects.leader('deploy'), DEPLOY],
    [subjects.leader('rollback'), { environment: 'production', service: 'web', idempotencyKey: 'fuzzfuzzfuzz' }],
    [subjects.leader('bogus'), {}],
    [RPC.nodeDeliver.subject({ nodeId }), { id: 'abc123', event }],
    [RPC.nodeStop.subject({ nodeId }), { id: 'abc123' }],
    [RPC.nodeTransitions.subject({ nodeId }), { id: 'abc123' }],
    [RPC.nodeInstance.subject({ nodeId }), { id: 'abc123', op: 'status' }],
    [subjects.node(nodeId, 'bogus'), {}],
    [subjects.edgeState, {}],
    [subjects.edgeApplied(edgeId), { revision: 1 }],
    [subjects.inspect('abc123'), { id: 'abc123', seq: 1 }],
    ['$SRV.PING', {}],
    ['$SRV.INFO.compartment', {}],
    ['$SRV.STATS', {}],
  ];
}

/** Runs `work` while a worker thread asks status every 100 ms (its own event loop: the flood here cannot delay it). */
async function whileAskingStatus(natsUrl: string, work: () => Promise<void>): Promise<AskerStats> {
  const asker = new Worker(new URL('./status-asker.worker.js', import.meta.url), {
    workerData: { natsUrl, credsFile: project.credsFile('cli') },
  });
  const done = new Promise<AskerStats>(
    (resolve, reject) => (asker.once('message', resolve), asker.once('error', reject)),
  );
  try {
    await sleep(500);
    await work();
    asker.postMessage('stop');
    return await done;
  } finally {
    await asker.terminate();
  }
}

/** Sends MESSAGES hostile payloads round-robin over the targets, 70% with a reply subject; returns the count per kind. */
async function flood(nc: NatsConnection, all: Target[], reply: string): Promise<Map<string, number>> {
  const rnd = prng(SEED);
  const byKind = new Map<string, number>();
  for (let i = 0; i < MESSAGES; i++) {
    const [subject, template] = all[i % all.length]!;
    let kind = KINDS[Math.floor(rnd() * KINDS.length)]!;
    // Huge bodies are rarer: each is up to 900 kB through a 2-core machine.
    if (kind === 'huge' && rnd() < 0.9) kind = 'wrong-typed';
    nc.publish(subject, hostilePayload(kind, template, rnd), rnd() < 0.7 ? { reply } : {});
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    // About 1,000 messages a second: a flood, yet one a 2-core machine can take while the suite runs beside it.
    if (i % 50 === 49) {
      await nc.flush();
      await sleep(50);
    }
  }
  await nc.flush();
  await sleep(1_500);
  return byKind;
}

test('hostile messages to every subject: status answers within 1 s throughout, no process exits, a deploy then succeeds', async () => {
  const ctx = await project.up();
  const pids = { ...ctx.children };
  // As a node agent: the one role that may publish on every subject, so the fuzz reaches every handler.
  const attacker = await connect({ servers: ctx.natsUrl, name: 'fuzzer', ...project.natsOptions('node') });
  try {
    const sink = createInbox(inboxPrefixOf('node'));
    let answers = 0;
    attacker.subscribe(sink, { callback: () => void answers++ });
    const { nodes, edges } = await call(attacker, RPC.api.nodes, undefined, {});
    const all = targets(nodes[0]!.id, edges[0]?.id ?? 'edge');
    let byKind = new Map<string, number>();
    const stats = await whileAskingStatus(ctx.natsUrl, async () => {
      byKind = await flood(attacker, all, sink);
    });

    const exited = Object.entries(pids).filter(([, pid]) => pid !== null && !alive(pid));
    console.log(
      `  fuzz (seed ${SEED}): ${MESSAGES} messages to ${all.length} subjects (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}); ${answers} coded answers`,
    );
    console.log(
      `  status asked ${stats.asked} times meanwhile, longest wait ${stats.longest} ms, ${stats.failures.length} unanswered; processes exited: ${exited.length}`,
    );
    assert.equal(exited, [], 'no process exited');
    assert.equal(project.context().children, pids, 'no process was restarted by the supervisor');
    assert.equal(stats.failures, [], 'every status request was answered within 1 s');
    assert.ok(stats.asked >= 10, `status was asked ${stats.asked} times`);
    assert.ok(answers > MESSAGES / 4, `${answers} answers`);
  } finally {
    await attacker.close();
  }
  await project.ok(['deploy']);
  const records = await project.json<Array<{ isActive: boolean; routeUrl: string }>>(['status']);
  assert.match(await (await fetch(records.find((r) => r.isActive)!.routeUrl)).text(), /^version=v1/);
});

test.run();
