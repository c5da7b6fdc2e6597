// Child process of the density scenario: `create <nats> <count>` hosts that many actors; `restore <nats>` restores them after a
// restart; `bare <nats> <count>` starts that many actors with no host around them (what XState itself costs).
import { setTimeout as sleep } from 'node:timers/promises';
import { createActor } from 'xstate';
import { connectCluster, ensureCluster, DeploymentStore } from '../../cluster/index.js';
import { toRecord } from '../../machines/deployment/index.js';
import { ActorHost } from '../../nodes/agent/host/actor-host.js';
import { platformLines } from '../../nodes/agent/platform-log.js';
import { fastMachine, NODE_ID, specOf } from './fake-effects.js';

const [mode, url, countText] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** Heap and RSS after collecting garbage a few times (a single gc leaves some behind). */
async function memory(): Promise<{ rssMb: number; heapUsedMb: number }> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(50);
  }
  const m = process.memoryUsage();
  return { rssMb: Math.round((m.rss / 2 ** 20) * 10) / 10, heapUsedMb: Math.round((m.heapUsed / 2 ** 20) * 10) / 10 };
}

const conn = await connectCluster({ servers: url!, name: 'compartment-bench-density' });
await ensureCluster(conn);
const store = await DeploymentStore.open(conn);
const warnings: string[] = [];
const host = new ActorHost(
  NODE_ID,
  fastMachine(),
  store,
  {
    platformLog: () => undefined,
    transition: () => undefined,
    warn: (m) => void (warnings.length < 10 && warnings.push(m)),
  },
  platformLines,
);
const allActive = () => host.ids().every((id) => host.recordOf(id)?.promotionStage === 'active');
const waitActive = async (count: number) => {
  while (host.size < count || !allActive()) await sleep(20);
};
const baseline = await memory();
const t0 = performance.now();
let out: Record<string, unknown>;

if (mode === 'bare') {
  const count = Number(countText);
  const now = Date.now();
  const machine = fastMachine();
  const actors = Array.from({ length: count }, (_, i) =>
    createActor(machine, { input: { spec: specOf(i, now) } }).start(),
  );
  while (!actors.every((a) => toRecord(a.getSnapshot()).promotionStage === 'active')) await sleep(20);
  const hosted = await memory();
  out = { mode, count, baseline, hosted };
  for (const a of actors) a.stop();
} else if (mode === 'create') {
  const count = Number(countText);
  const now = Date.now();
  let next = 0;
  // 64 creates in flight: each is a KV create; the transitions after it are written by the actors themselves.
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) await host.create(specOf(next++, now));
    }),
  );
  const createdMs = performance.now() - t0;
  await waitActive(count);
  const activeMs = performance.now() - t0;
  const hosted = await memory();
  // An orderly node stop: every pending record write is flushed, then the actors stop.
  await host.stopAll();
  out = {
    mode,
    count,
    hostedActors: count,
    // Serving with nothing in flight, the rest sleep: a record and their supervision, no XState actor.
    awakeActors: host.awake,
    createdMs,
    activeMs,
    stopMs: performance.now() - t0 - activeMs,
    baseline,
    hosted,
  };
} else {
  let listed: Awaited<ReturnType<typeof store.list>> | null = await store.list();
  const stored = listed.length;
  const listMs = performance.now() - t0;
  const restored = await host.restoreOwned(listed);
  // The listing is the restore's input, not what the node keeps: dropped before memory is measured.
  listed = null;
  await waitActive(restored);
  const restoreMs = performance.now() - t0;
  const hosted = await memory();
  out = {
    mode,
    stored,
    restored,
    hostedActors: host.size,
    awakeActors: host.awake,
    listMs,
    restoreMs,
    baseline,
    hosted,
  };
  await host.stopAll();
}
await conn.close();
console.log(JSON.stringify({ ...out, warnings }));
process.exit(0);
