// `npm run bench`: runs every scenario in turn, writes bench/results/<scenario>.json, regenerates BENCHMARKS.md.
// Flags: --quick (few repetitions, results to a temp dir, to try it out), --only a,b (just these scenarios),
// --report (only regenerate BENCHMARKS.md from the stored results).
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cleanup, RESULTS_DIR, machineInfo, writeResult } from './harness/index.js';
import { SCENARIOS, type Scenario, type ScenarioResult } from './scenarios/index.js';
import { writeBenchmarksMd } from './report/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : null;
const started = Date.now();
/** The issue's limit is 15 minutes on this machine: past this, scenarios stop and the rest are skipped. */
const RUN_BUDGET_MS = 14 * 60_000;
const runDeadline = started + RUN_BUDGET_MS;
let interrupted = false;

/** A quick run's results are for trying the bench out: they go to a temp dir and BENCHMARKS.md is left alone. */
const resultsDir = quick ? join(tmpdir(), 'compartment-bench-quick') : RESULTS_DIR;

const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`);

process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log('interrupted: stopping the current scenario and cleaning up (Ctrl-C again to quit at once)');
});

async function runScenario(s: Scenario): Promise<ScenarioResult> {
  const startedAt = new Date();
  const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
  const result = (status: ScenarioResult['status'], reason: string | null, data: unknown): ScenarioResult => ({
    scenario: s.name,
    title: s.title,
    status,
    reason,
    quick,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    loadAverage,
    data,
  });
  if (Date.now() > runDeadline)
    return result('skipped', `the run's budget of ${RUN_BUDGET_MS / 60_000} minutes was spent before it`, null);
  const why = await s.unavailable?.();
  if (why) return result('skipped', why, null);
  const cleanup = new Cleanup();
  const deadline = Math.min(Date.now() + s.budgetMs, runDeadline);
  const check = () => {
    if (interrupted) throw new Error('interrupted');
    if (Date.now() > deadline)
      throw new Error(`ran past its budget (${s.budgetMs / 1000} s, or the run's ${RUN_BUDGET_MS / 60_000} minutes)`);
  };
  try {
    return result('ok', null, await s.run({ cleanup, log: (l) => log(`  ${l}`), quick, check }));
  } catch (error) {
    log(`  ${s.name} failed: ${(error as Error).stack ?? error}`);
    return result('failed', (error as Error).message, null);
  } finally {
    await cleanup.run((l) => log(`  ${l}`));
  }
}

if (!args.includes('--report')) {
  // A partial run (--only) keeps the machine record of the last full run, which the report's header describes.
  if (!only || !existsSync(join(resultsDir, 'machine.json')))
    writeResult('machine', { ...(await machineInfo()), ranAt: new Date().toISOString(), quick }, resultsDir);
  for (const s of SCENARIOS) {
    if (only && !only.includes(s.name)) continue;
    if (interrupted) break;
    log(`${s.name}: ${s.title}`);
    const r = await runScenario(s);
    writeResult(s.name, r, resultsDir);
    log(`${s.name}: ${r.status}${r.reason ? ` (${r.reason})` : ''} in ${(r.durationMs / 1000).toFixed(1)} s`);
  }
}
const took = `the whole run took ${((Date.now() - started) / 1000).toFixed(0)} s`;
if (quick) log(`quick run: results in ${resultsDir}; BENCHMARKS.md left as it was; ${took}`);
else log(`wrote ${writeBenchmarksMd()}; ${took}`);
process.exit(interrupted ? 130 : 0);
