// How cost grows with work: a deploy of 1/10/50 services, status over 1k/10k/50k records, log ingest from 1/10/50 services.
import type { DeploymentRecord } from '../../packages/protocol/index.js';
import { subjects } from '../../packages/protocol/index.js';
import { DeploymentStore } from '../../cluster/index.js';
import { compartmentFiles } from '../apps/index.js';
import { BenchProject } from '../contenders/index.js';
import { seedRecords, statusLoad } from '../control-plane/index.js';
import { countLines } from '../logs/index.js';
import { httpGet, nowMs, sleep, type Summary } from '../harness/index.js';
import { scalingFiles, serviceName, usageOf } from '../scaling/index.js';
import type { Scenario, ScenarioContext } from './scenario.js';

export interface DeployPoint {
  services: number;
  wallMs: number;
  agentCpuMs: number;
  agentRssMb: number;
  agentRssGrowthMb: number;
}
export interface StatusPoint {
  records: number;
  rps: number;
  latencyMs: Summary;
  replyBytes: number;
  indexMs: number;
  agentRssMb: number;
}
export interface LogPoint {
  services: number;
  lines: number;
  linesPerSecond: number | null;
  missing: number;
  duplicates: number;
  agentCpuMs: number;
}
export interface ScalingData {
  deploy: DeployPoint[];
  status: StatusPoint[];
  logs: LogPoint[];
}

const STEPS = [1, 10, 50];

const agentPid = (bp: BenchProject) => {
  const pid = bp.project.context().children.node;
  if (!pid) throw new Error('no node agent pid in the cluster context');
  return pid;
};
const usage = (pid: number) => {
  const u = usageOf(pid);
  if (!u) throw new Error(`node agent ${pid} is gone`);
  return u;
};

/** One cluster with 50 services; a forced deploy of the first n, for n of 1, 10, 50; then n of them log at once. */
async function deployAndLogs(ctx: ScenarioContext, total: number): Promise<Pick<ScalingData, 'deploy' | 'logs'>> {
  const max = Math.max(...STEPS);
  const bp = await BenchProject.start(scalingFiles(max, 'g0'), ctx.cleanup, ctx.log);
  await bp.cli(['deploy'], 300_000);
  const pid = agentPid(bp);
  const deploy: DeployPoint[] = [];
  for (const n of STEPS) {
    ctx.check();
    const before = usage(pid);
    const names = Array.from({ length: n }, (_, i) => ['--service', serviceName(i)]).flat();
    const r = await bp.cli(['deploy', '--force', ...names], 300_000);
    const after = usage(pid);
    deploy.push({
      services: n,
      wallMs: Math.round(r.wallMs),
      agentCpuMs: after.cpuMs - before.cpuMs,
      agentRssMb: after.rssMb,
      agentRssGrowthMb: Math.round((after.rssMb - before.rssMb) * 10) / 10,
    });
    ctx.log(
      `deploy of ${n} service(s): ${Math.round(r.wallMs)} ms, agent CPU ${after.cpuMs - before.cpuMs} ms, RSS ${after.rssMb} MB`,
    );
  }
  const active = (await bp.json<DeploymentRecord[]>(['status'])).filter((d) => d.isActive);
  const logs: LogPoint[] = [];
  for (const n of STEPS) {
    ctx.check();
    const each = Math.ceil(total / n);
    const tag = `s${n}x${Date.now().toString(36)}`;
    const writers = active.filter((d) => Number(d.serviceName.slice(4)) < n);
    const counters = await Promise.all(
      writers.map((d) =>
        countLines(bp.connection.nc, subjects.logs('production', d.serviceName, d.id, 'stdout'), tag, each),
      ),
    );
    const before = usage(pid);
    const sentAt = nowMs();
    await Promise.all(writers.map((d) => httpGet(`${d.routeUrl}/burst?n=${each}&tag=${tag}`, 120_000)));
    const counts = await Promise.all(counters.map((c) => c.done(10_000)));
    await Promise.all(counters.map((c) => c.stop()));
    const after = usage(pid);
    const unique = counts.reduce((s, c) => s + c.unique, 0);
    const last = Math.max(...counts.map((c) => c.lastAt ?? 0));
    const point = {
      services: writers.length,
      lines: each * writers.length,
      linesPerSecond: last > sentAt ? Math.round(unique / ((last - sentAt) / 1000)) : null,
      missing: counts.reduce((s, c) => s + c.missing, 0),
      duplicates: counts.reduce((s, c) => s + c.duplicates, 0),
      agentCpuMs: after.cpuMs - before.cpuMs,
    };
    logs.push(point);
    ctx.log(
      `${point.services} service(s) logging ${point.lines} lines at once: ${point.linesPerSecond} lines/s, ${point.missing} missing`,
    );
  }
  return { deploy, logs };
}

/** status of a 20-service environment while the agent holds 1k, then 10k, then 50k records (quick: 1k, 2k, 5k). */
async function statusGrowth(ctx: ScenarioContext): Promise<StatusPoint[]> {
  const bp = await BenchProject.start(compartmentFiles('r0'), ctx.cleanup, ctx.log);
  await bp.cli(['deploy']);
  bp.write(compartmentFiles('r1'));
  await bp.cli(['deploy']);
  const store = await DeploymentStore.open(bp.connection);
  const replaced = (await store.list({ env: 'production' })).find(
    (d) => !d.value.record.isActive && d.value.record.status === 'succeeded',
  )?.value;
  if (!replaced) throw new Error('expected a replaced deployment to copy');
  const pid = agentPid(bp);
  const services = 20;
  const levels = ctx.quick ? [1_000, 2_000, 5_000] : [1_000, 10_000, 50_000];
  const out: StatusPoint[] = [];
  let seeded = 0;
  for (const records of levels) {
    ctx.check();
    const t0 = nowMs();
    seeded += await seedRecords(store, replaced, {
      env: 'bench',
      services,
      perService: (records - seeded) / services,
      concurrency: 128,
    });
    // Indexed when every record shows in the agent's answers (history of each service, as table rows).
    for (let i = 0; ; i++) {
      let n = 0;
      for (let s = 0; s < services; s++) {
        const reply = (
          await bp.connection.nc.request(
            subjects.api('status'),
            JSON.stringify({ environment: 'bench', service: serviceName(s), all: true, rows: true }),
            { timeout: 10_000 },
          )
        ).json<{ result?: { rows?: unknown[] } }>();
        n += reply.result?.rows?.length ?? 0;
      }
      if (n >= seeded) break;
      if (i > 600) throw new Error(`the node agent's index did not reach ${seeded} records`);
      await sleep(100);
    }
    const indexMs = Math.round(nowMs() - t0);
    const load = await statusLoad(
      bp.connection.nc,
      { environment: 'bench', all: false, rows: true },
      { concurrency: 16, seconds: ctx.quick ? 2 : 4, warmupSeconds: 0.5 },
    );
    const rss = usage(pid).rssMb;
    out.push({
      records: seeded,
      rps: load.rps,
      latencyMs: load.latencyMs,
      replyBytes: load.replyBytes,
      indexMs,
      agentRssMb: rss,
    });
    ctx.log(
      `${seeded} records: status ${load.rps} req/s, p99 ${load.latencyMs.p99} ms; seeded and indexed in ${indexMs} ms; agent RSS ${rss} MB`,
    );
  }
  return out;
}

export const scalingScenario: Scenario<ScalingData> = {
  name: 'scaling',
  title: 'How cost grows: deploy of 1/10/50 services, status over 1k/10k/50k records, log ingest from 1/10/50 services',
  budgetMs: 12 * 60_000,
  async run(ctx) {
    const { deploy, logs } = await deployAndLogs(ctx, ctx.quick ? 10_000 : 50_000);
    ctx.check();
    const status = await statusGrowth(ctx);
    return { deploy, status, logs };
  },
};
