// Deploy overhead: `compartment deploy` wall time minus the app's own time to ready, beside `pm2 reload` of the same app.
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { compartmentFiles } from '../apps/index.js';
import { BenchProject, stageDurations, Pm2App } from '../contenders/index.js';
import {
  Cleanup,
  isoMs,
  httpGet,
  runTimed,
  COMPARTMENT_BIN,
  ratio,
  summarize,
  type Summary,
} from '../harness/index.js';
import type { Scenario, ScenarioContext } from './scenario.js';

export const DEPLOYS = 20;

interface Sample {
  wallMs: number;
  /** The new app process's own time from its start to listening (performance.now() at listen). */
  appReadyMs: number;
  overheadMs: number;
  phases?: Record<string, number>;
}

export interface OverheadData {
  deploys: number;
  compartment: {
    wallMs: Summary;
    appReadyMs: Summary;
    overheadMs: Summary;
    phasesP50Ms: Record<string, number | null>;
    samples: Sample[];
  };
  pm2: { wallMs: Summary; appReadyMs: Summary; overheadMs: Summary; samples: Sample[] };
  /** What any command pays before doing anything: a bare Node start, and the CLI loading and printing its help. */
  floors: { nodeStartMs: Summary; cliHelpMs: Summary };
  /** Compartment's deploy wall time over pm2 reload's (p50s). */
  wallRatio: number | null;
  overheadRatio: number | null;
}

async function bootOf(url: string, version: string): Promise<number> {
  const boot = JSON.parse((await httpGet(`${url.replace(/\/$/, '')}/boot`)).body) as {
    bootMs: number;
    version: string;
  };
  if (boot.version !== version)
    throw new Error(`expected ${version} to serve after the replacement, got ${boot.version}`);
  return boot.bootMs;
}

/** Where a deploy's wall time went: CLI before the record exists, each stage, CLI after it completed. */
function phases(record: DeploymentRecord, startedAt: number, endedAt: number): Record<string, number> {
  const { stagesMs } = stageDurations(record, startedAt, endedAt);
  return {
    'cli: pack, upload, request': isoMs(record.createdAt) - startedAt,
    ...Object.fromEntries(Object.entries(stagesMs).map(([k, v]) => [`stage: ${k}`, v])),
    'cli: notice and exit': endedAt - isoMs(record.completedAt!),
  };
}

async function compartment(ctx: ScenarioContext, cleanup: Cleanup, n: number): Promise<Sample[]> {
  const bp = await BenchProject.start(compartmentFiles('d0'), cleanup, ctx.log);
  await bp.cli(['deploy']);
  const url = (await bp.active()).routeUrl!;
  const samples: Sample[] = [];
  for (let i = 1; i <= n; i++) {
    ctx.check();
    bp.write(compartmentFiles(`d${i}`));
    const r = await bp.cli(['deploy']);
    const appReadyMs = await bootOf(url, `d${i}`);
    const record = await bp.json<DeploymentRecord>(['inspect', r.deploymentId!]);
    samples.push({
      wallMs: r.wallMs,
      appReadyMs,
      overheadMs: r.wallMs - appReadyMs,
      phases: phases(record, r.startedAt, r.endedAt),
    });
  }
  return samples;
}

async function pm2(ctx: ScenarioContext, cleanup: Cleanup, n: number): Promise<Sample[]> {
  const app = await Pm2App.start(cleanup, 'q0');
  const samples: Sample[] = [];
  for (let i = 1; i <= n; i++) {
    ctx.check();
    const r = await app.reload(`q${i}`);
    const appReadyMs = await bootOf(app.url, `q${i}`);
    samples.push({ wallMs: r.wallMs, appReadyMs, overheadMs: r.wallMs - appReadyMs });
  }
  return samples;
}

async function walls(n: number, [command, ...args]: string[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await runTimed(command!, args)).wallMs);
  return out;
}

async function alone<T>(ctx: ScenarioContext, run: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  try {
    return await run(cleanup);
  } finally {
    await cleanup.run(ctx.log);
  }
}

function p50s(samples: Sample[]): Record<string, number | null> {
  const keys = [...new Set(samples.flatMap((s) => Object.keys(s.phases ?? {})))];
  return Object.fromEntries(keys.map((k) => [k, summarize(samples.map((s) => s.phases?.[k] ?? 0)).p50]));
}

export const deployOverheadScenario: Scenario<OverheadData> = {
  name: 'deploy-overhead',
  title: 'Deploy overhead: compartment deploy against pm2 reload, no load',
  budgetMs: 3 * 60_000,
  async run(ctx) {
    const n = ctx.quick ? 3 : DEPLOYS;
    ctx.log(`compartment: ${n} deploys (no build step, ready on listen)`);
    // One after the other, each torn down before the next starts: neither runs beside the other's idle processes.
    const c = await alone(ctx, (cleanup) => compartment(ctx, cleanup, n));
    ctx.log(`pm2: ${n} reloads of the same app`);
    const p = await alone(ctx, (cleanup) => pm2(ctx, cleanup, n));
    const sum = (list: Sample[]) => ({
      wallMs: summarize(list.map((s) => s.wallMs)),
      appReadyMs: summarize(list.map((s) => s.appReadyMs)),
      overheadMs: summarize(list.map((s) => s.overheadMs)),
    });
    const floors = {
      nodeStartMs: summarize(await walls(n, [process.execPath, '-e', '0'])),
      cliHelpMs: summarize(await walls(n, [process.execPath, COMPARTMENT_BIN, '--help'])),
    };
    const cs = sum(c);
    const ps = sum(p);
    return {
      deploys: n,
      compartment: { ...cs, phasesP50Ms: p50s(c), samples: c },
      pm2: { ...ps, samples: p },
      floors,
      wallRatio: ratio(cs.wallMs.p50, ps.wallMs.p50),
      overheadRatio: ratio(cs.overheadMs.p50, ps.overheadMs.p50),
    };
  },
};
