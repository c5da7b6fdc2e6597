// Automatic revert (with and without keepPrevious) beside a manual rollback: until the previous build serves again.
import { compartmentFiles } from '../apps/index.js';
import { BenchProject } from '../contenders/index.js';
import { httpGet, nowMs, sleep, summarize, type Summary } from '../harness/index.js';
import { startLoad, type LoadReport } from '../load/index.js';
import type { Scenario, ScenarioContext } from './scenario.js';

export type RevertHow = 'auto_revert' | 'auto_revert_keep' | 'rollback';

export interface RevertRow {
  how: RevertHow;
  /** Auto revert: from the bad build's /health turning 500 to the first answer from the previous build; rollback: from the command. */
  servingAgainMs: Summary;
  /** Requests under load (20 connections) that failed meanwhile, over all runs. */
  failed: number;
  responses: number;
  /** Runs in which the previous build answered from the same process as before (adopted, not started again). */
  samePid: number;
  runs: number;
}

export interface RevertData {
  health: string;
  rows: RevertRow[];
}

const HEALTH = '    health: { path: /health, intervalMs: 200, failureThreshold: 3 }';
const revert = (keep: boolean) => `    autoRevert: { windowMs: 60000${keep ? ', keepPrevious: true' : ''} }`;
const failures = (r: LoadReport) => r.failures.reduce((n, f) => n + f[3], 0);

async function answer(url: string): Promise<string | null> {
  return httpGet(url, 1_000).then(
    (a) => (a.status === 200 ? a.body : null),
    () => null,
  );
}

/** One run: a good build, then a bad one; the bad one's /health fails; until the good one answers again. */
async function once(bp: BenchProject, ctx: ScenarioContext, how: RevertHow, n: number) {
  const extra = how === 'rollback' ? [HEALTH] : [HEALTH, revert(how === 'auto_revert_keep')];
  const good = `${how}-good-${n}`;
  bp.write(compartmentFiles(good, { extra }));
  await bp.cli(['deploy']);
  const url = (await bp.active()).routeUrl!;
  const goodPid = /pid=(\d+)/.exec((await answer(url)) ?? '')?.[1];
  bp.write(compartmentFiles(`${how}-bad-${n}`, { extra }));
  await bp.cli(['deploy']);
  const load = await startLoad({ url, connections: 20 });
  await sleep(200);
  const at = nowMs();
  const rollback = how === 'rollback' ? bp.cli(['rollback', '--service', 'web']) : null;
  if (!rollback) await httpGet(new URL('/fail', url).href, 1_000);
  let body: string | null = null;
  for (;;) {
    ctx.check();
    body = await answer(url);
    if (body?.startsWith(`version=${good} `)) break;
    if (nowMs() - at > 60_000) throw new Error(`${how}: the previous build did not serve again within 60 s`);
    await sleep(5);
  }
  const servingAgainMs = Math.round(nowMs() - at);
  await sleep(300);
  const report = await load.stop();
  await rollback;
  // Settled before the next deploy: the previous one is serving again with the bad one drained.
  for (let i = 0; (await bp.active()).state.stage !== 'active.serving'; i++) {
    if (i > 300) throw new Error(`${how}: the previous deployment did not settle in active.serving`);
    await sleep(100);
  }
  const samePid = goodPid !== undefined && body.includes(`pid=${goodPid}`);
  ctx.log(
    `${how} #${n}: ${servingAgainMs} ms, ${failures(report)} failed of ${report.responses}, same pid: ${samePid}`,
  );
  return { servingAgainMs, failed: failures(report), responses: report.responses, samePid };
}

export const revertScenario: Scenario<RevertData> = {
  name: 'revert',
  title: 'Automatic revert and rollback: until the previous build serves again',
  budgetMs: 6 * 60_000,
  async run(ctx) {
    const runs = ctx.quick ? 1 : 3;
    const bp = await BenchProject.start(compartmentFiles('v0'), ctx.cleanup, ctx.log);
    await bp.cli(['deploy']);
    const rows: RevertRow[] = [];
    for (const how of ['auto_revert', 'auto_revert_keep', 'rollback'] as const) {
      const done = [];
      for (let n = 0; n < runs; n++) done.push(await once(bp, ctx, how, n));
      rows.push({
        how,
        servingAgainMs: summarize(done.map((d) => d.servingAgainMs)),
        failed: done.reduce((a, d) => a + d.failed, 0),
        responses: done.reduce((a, d) => a + d.responses, 0),
        samePid: done.filter((d) => d.samePid).length,
        runs,
      });
    }
    return { health: HEALTH.trim(), rows };
  },
};
