// Log ingest: lines/s from an app's stdout into the log stream, every line counted, and how soon `logs --follow` prints one.
import { subjects } from '../../packages/protocol/index.js';
import { compartmentFiles } from '../apps/index.js';
import { BenchProject } from '../contenders/index.js';
import { nowMs, httpGet, summarize, type Summary } from '../harness/index.js';
import { countLines, followDelays, type LineCount } from '../logs/index.js';
import type { Scenario } from './scenario.js';

export const LINES = 100_000;

export interface LogIngestData {
  lines: number;
  lineBytes: number;
  count: LineCount;
  /** The app's own time to write every line to its stdout. */
  appWriteMs: number;
  /** From the request that made the app write to the last line stored in the stream. */
  ingestMs: number | null;
  linesPerSecond: number | null;
  follow: { samples: number; delayMs: Summary; raw: number[] };
}

export const logIngestScenario: Scenario<LogIngestData> = {
  name: 'log-ingest',
  title: 'Log ingest: app stdout into the log stream, and logs --follow',
  budgetMs: 2 * 60_000,
  async run(ctx) {
    const n = ctx.quick ? 20_000 : LINES;
    const bp = await BenchProject.start(compartmentFiles('l0'), ctx.cleanup, ctx.log);
    await bp.cli(['deploy']);
    const active = await bp.active();
    const url = active.routeUrl!;
    const tag = `t${Date.now().toString(36)}`;
    const counter = await countLines(bp.connection.nc, subjects.logs('production', 'web', active.id, 'stdout'), tag, n);
    ctx.cleanup.add('stop counting log lines', () => counter.stop());
    ctx.log(`the app writes ${n} lines at once`);
    const sentAt = nowMs();
    const { writeMs } = JSON.parse((await httpGet(`${url}/burst?n=${n}&tag=${tag}`, 60_000)).body) as {
      writeMs: number;
    };
    const count = await counter.done(10_000);
    const ingestMs = count.lastAt === null ? null : count.lastAt - sentAt;
    ctx.log(
      `${count.unique} of ${n} lines in the stream (${count.duplicates} twice) after ${Math.round(ingestMs ?? 0)} ms`,
    );
    ctx.check();
    const samples = ctx.quick ? 5 : 20;
    const raw = await followDelays(bp.dir, url, samples, ctx.cleanup);
    return {
      lines: n,
      lineBytes: `burst ${tag} ${n - 1} ${'x'.repeat(40)}\n`.length,
      count,
      appWriteMs: Math.round(writeMs),
      ingestMs: ingestMs === null ? null : Math.round(ingestMs),
      linesPerSecond: ingestMs ? Math.round(count.unique / (ingestMs / 1000)) : null,
      follow: { samples, delayMs: summarize(raw), raw: raw.map((d) => Math.round(d * 10) / 10) },
    };
  },
};
