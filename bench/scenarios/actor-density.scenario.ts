// Actor density: 10,000 deployment actors hosted on one node (instant fake effects), memory growth, restore time after a restart.
import { startNatsServer } from '../../test/harness/nats-server.js';
import { runOk } from '../harness/index.js';
import type { Scenario } from './scenario.js';

export const ACTORS = 10_000;
const CHILD = new URL('../density/density.child.js', import.meta.url).pathname;

interface Memory {
  rssMb: number;
  heapUsedMb: number;
}

export interface DensityData {
  actors: number;
  /** `awakeActors`: hosted deployments with a live XState actor at the end (absent in results from before sleeping). */
  create: {
    createdMs: number;
    activeMs: number;
    stopMs: number;
    baseline: Memory;
    hosted: Memory;
    awakeActors?: number;
  };
  restore: {
    stored: number;
    restored: number;
    listMs: number;
    restoreMs: number;
    baseline: Memory;
    hosted: Memory;
    awakeActors?: number;
  };
  /** Growth from the node's baseline (connected, stores open) to all actors hosted, after GC. */
  growth: { afterCreate: Memory; afterRestore: Memory; heapKbPerActor: number; bareHeapKbPerActor: number };
}

const minus = (a: Memory, b: Memory): Memory => ({
  rssMb: Math.round((a.rssMb - b.rssMb) * 10) / 10,
  heapUsedMb: Math.round((a.heapUsedMb - b.heapUsedMb) * 10) / 10,
});

export const actorDensityScenario: Scenario<DensityData> = {
  name: 'actor-density',
  title: 'Actor density: 10,000 deployment actors on one node',
  budgetMs: 3 * 60_000,
  async run(ctx) {
    const count = ctx.quick ? 1_000 : ACTORS;
    const nats = await startNatsServer('bench-density');
    ctx.cleanup.add('stop the density nats-server', () => nats.dispose());
    // Each phase is its own process: the second one is the node after a restart, with nothing in memory.
    const phase = async (args: string[]) =>
      JSON.parse(
        (await runOk(process.execPath, ['--expose-gc', CHILD, ...args], { timeoutMs: 150_000 })).stdout
          .trim()
          .split('\n')
          .at(-1)!,
      );
    ctx.log(`hosting ${count} actors`);
    const create = await phase(['create', nats.url, String(count)]);
    ctx.check();
    ctx.log(`restoring them in a new process`);
    const restore = await phase(['restore', nats.url]);
    if (restore.restored !== count) throw new Error(`restored ${restore.restored} of ${count} actors`);
    // The same actors with no host, store or effects' bookkeeping around them: what XState alone costs.
    const bare = await phase(['bare', nats.url, String(count)]);
    const kbPerActor = (m: Memory) => Math.round((m.heapUsedMb * 1024 * 10) / count) / 10;
    const afterCreate = minus(create.hosted, create.baseline);
    return {
      actors: count,
      create,
      restore,
      growth: {
        afterCreate,
        afterRestore: minus(restore.hosted, restore.baseline),
        heapKbPerActor: kbPerActor(afterCreate),
        bareHeapKbPerActor: kbPerActor(minus(bare.hosted, bare.baseline)),
      },
    };
  },
};
