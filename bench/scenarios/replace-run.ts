// One contender under load: set up, N replacements with a common pause, then per-operation failures and switch times.
import { Cleanup, sleep, summarize, type Summary } from '../harness/index.js';
import {
  startLoad,
  type RunningLoad,
  addCounts,
  emptyCount,
  failuresBetween,
  requestsPerSecond,
  switchLatency,
  versionsBetween,
  type FailureCount,
  type SwitchLatency,
} from '../load/index.js';
import type { Contender, OpResult } from '../contenders/index.js';
import type { ScenarioContext } from './scenario.js';

export const CONNECTIONS = 50;
/** Steady load before the first replacement and after every operation. */
export const WARMUP_MS = 1_000;
export const SETTLE_MS = 500;

export interface OpReport {
  kind: string;
  counted: boolean;
  wallMs: number;
  failures: FailureCount;
  switch: SwitchLatency | null;
  from: string;
  to: string;
  /** Versions that answered 2xx in this operation's window, with counts. */
  versions: Record<string, number>;
  detail: Record<string, unknown>;
}

export interface KindReport {
  n: number;
  wallMs: Summary;
  failed: Summary;
  failures: FailureCount;
  toFirstNewMs: Summary;
  toLastOldMs: Summary;
}

export interface ContenderReport {
  name: string;
  label: string;
  path: string;
  error: string | null;
  replacements: number;
  /** Failures over the counted replacements. */
  totals: FailureCount;
  /** Failures while nothing was being replaced (warm-up): should be 0 for every contender. */
  warmup: FailureCount;
  /**
   * 2xx answers carrying a version this contender never served: another server shared its port (on this
   * shared machine a second Caddy can bind the same port with SO_REUSEPORT). Such a run proves nothing.
   */
  foreignAnswers: number;
  kinds: Record<string, KindReport>;
  load: {
    connections: number;
    seconds: number;
    ok2xx: number;
    rps: number;
    latencyMs: { p50: number; p90: number; p99: number; max: number };
    autocannonOwn: Record<string, number>;
  } | null;
  ops: OpReport[];
}

function byKind(ops: OpReport[]): Record<string, KindReport> {
  const out: Record<string, KindReport> = {};
  for (const kind of new Set(ops.map((o) => o.kind))) {
    const list = ops.filter((o) => o.kind === kind);
    const switched = list.flatMap((o) => (o.switch ? [o.switch] : []));
    out[kind] = {
      n: list.length,
      wallMs: summarize(list.map((o) => o.wallMs)),
      failed: summarize(list.map((o) => o.failures.failed)),
      failures: list.reduce((a, o) => addCounts(a, o.failures), emptyCount()),
      toFirstNewMs: summarize(switched.flatMap((s) => (s.toFirstNewMs === null ? [] : [s.toFirstNewMs]))),
      toLastOldMs: summarize(switched.flatMap((s) => (s.toLastOldMs === null ? [] : [s.toLastOldMs]))),
    };
  }
  return out;
}

export async function runContender(
  contender: Contender,
  replacements: number,
  ctx: ScenarioContext,
): Promise<ContenderReport> {
  const cleanup = new Cleanup();
  const base = { name: contender.name, label: contender.label, path: contender.path, replacements };
  let load: RunningLoad | null = null;
  try {
    const { url, version, target } = await contender.setup(cleanup, ctx.log);
    load = await startLoad({ url, connections: CONNECTIONS, ...target });
    const running = load;
    cleanup.pid(
      'load generator',
      () => running.pid,
      () => running.kill(),
    );
    await sleep(WARMUP_MS);
    const settle = () => sleep(SETTLE_MS);
    const ops: OpResult[] = [];
    for (let i = 0; i < replacements; i++) {
      ctx.check();
      ops.push(...(await contender.replace(i, settle)));
      await settle();
    }
    const report = await load.stop();
    await contender.finish?.(ops);
    let from = version;
    const opReports = ops.map((op, k): OpReport => {
      const end = ops[k + 1]?.startedAt ?? report.stoppedAt;
      const w = { start: op.startedAt, end, switchAt: op.switchAt ?? 0, from, to: op.version };
      const r: OpReport = {
        kind: op.kind,
        counted: op.counted,
        wallMs: Math.round((op.endedAt - op.startedAt) * 10) / 10,
        failures: failuresBetween(report.failures, op.startedAt, end),
        switch: op.switchAt === null ? null : switchLatency(report.segments, w),
        from,
        to: op.version,
        versions: versionsBetween(report.segments, op.startedAt, end),
        detail: op.detail ?? {},
      };
      from = op.version;
      return r;
    });
    const served = new Set([version, ...ops.map((o) => o.version)]);
    const foreignAnswers = report.segments.filter((seg) => !served.has(seg.v)).reduce((n, seg) => n + seg.n, 0);
    if (foreignAnswers > 0)
      ctx.log(`${contender.name}: ${foreignAnswers} answers came from a server that is not this contender's`);
    const counted = opReports.filter((o) => o.counted);
    ctx.log(
      `${contender.name}: ${counted.reduce((n, o) => n + o.failures.failed, 0)} failed requests over ${counted.length} replacements, ${report.ok2xx} answered`,
    );
    return {
      ...base,
      error: null,
      totals: counted.reduce((a, o) => addCounts(a, o.failures), emptyCount()),
      warmup: failuresBetween(report.failures, report.startedAt, ops[0]?.startedAt ?? report.stoppedAt),
      foreignAnswers,
      kinds: byKind(opReports),
      load: {
        connections: CONNECTIONS,
        seconds: Math.round((report.stoppedAt - report.startedAt) / 100) / 10,
        ok2xx: report.ok2xx,
        rps: requestsPerSecond(report),
        latencyMs: {
          p50: report.latencyMs.p50,
          p90: report.latencyMs.p90,
          p99: report.latencyMs.p99,
          max: report.latencyMs.max,
        },
        autocannonOwn: report.autocannon,
      },
      ops: opReports,
    };
  } catch (error) {
    ctx.log(`${contender.name}: failed: ${(error as Error).message}`);
    return {
      ...base,
      error: (error as Error).stack ?? String(error),
      totals: emptyCount(),
      warmup: emptyCount(),
      foreignAnswers: 0,
      kinds: {},
      load: null,
      ops: [],
    };
  } finally {
    // After a failure the load still runs: stop it first, or a server being stopped never sees its connections go idle.
    load?.kill();
    await cleanup.run(ctx.log);
  }
}

/** Runs a fresh contender from `make`; once more if another server answered on its port (that run proves nothing). */
export async function runContenderOnce(
  make: () => Contender,
  replacements: number,
  ctx: ScenarioContext,
): Promise<ContenderReport> {
  const first = await runContender(make(), replacements, ctx);
  if (first.foreignAnswers === 0) return first;
  ctx.log(`${first.name}: running it again on a new cluster`);
  return runContender(make(), replacements, ctx);
}
