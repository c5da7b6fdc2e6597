// The issue's goals, each judged from the stored results: the figure measured and whether it meets the target.
import { dataOf, type Results } from './load-results.js';
import { ms, num, x } from './markdown.js';

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export function goals(r: Results): Goal[] {
  const rep = dataOf(r.replacements);
  const ours = (rep?.contenders ?? []).filter((c) => c.name.startsWith('compartment-'));
  const docker = dataOf(r.docker)?.contender;
  const all = docker ? [...ours, docker] : ours;
  // Every Compartment operation counts here, the deploys between rollbacks too.
  const failed = all.reduce((n, c) => n + Object.values(c.kinds).reduce((m, k) => m + k.failures.failed, 0), 0);
  const ops = all.flatMap((c) =>
    Object.entries(c.kinds).map(([kind, k]) => `${k.n} ${kind}${c.name.includes('docker') ? ' (Docker)' : ''}`),
  );
  const broken = all.filter((c) => c.error || c.foreignAnswers > 0).map((c) => c.name);
  const deploy = ours.find((c) => c.name === 'compartment-deploy');
  const overhead = dataOf(r.overhead);
  const cp = dataOf(r.controlPlane);
  const cpLoad = r.controlPlane?.loadAverage?.[0];
  const density = dataOf(r.density);
  const logs = dataOf(r.logs);
  const switchP50 = deploy?.kinds.deploy?.toFirstNewMs.p50 ?? null;
  const envStatus = cp?.environment;
  const statusMet = envStatus ? envStatus.rps >= 5_000 && (envStatus.latencyMs.p99 ?? Infinity) <= 10 : false;
  const heap = density?.growth.afterCreate.heapUsedMb ?? null;
  const rss = density?.growth.afterCreate.rssMb ?? null;
  const lost = logs ? logs.count.missing + logs.count.duplicates : null;
  return [
    {
      goal: 'No failed request across all Compartment replacements',
      target: '0',
      measured: rep
        ? `${num(failed)} over ${ops.join(', ')}${broken.length ? `; not valid (did not complete, or another server answered): ${broken.join(', ')}` : ''}`
        : '–',
      met: rep && !broken.length ? failed === 0 : null,
    },
    {
      goal: '`compartment deploy` wall time against `pm2 reload` of the same app, same run, p50',
      target: '< 1.00×',
      measured: overhead
        ? `${ms(overhead.compartment.wallMs.p50)} against ${ms(overhead.pm2.wallMs.p50)} (${x(overhead.wallRatio)})`
        : '–',
      met: overhead?.wallRatio != null ? overhead.wallRatio < 1 : null,
    },
    {
      goal: 'Deploy overhead (deploy wall time − app’s own time to ready), p50',
      target: '≤ 100 ms',
      measured: overhead
        ? `${ms(overhead.compartment.overheadMs.p50)}${(overhead.compartment.overheadMs.p50 ?? 0) > 100 ? ` (of which starting Node alone: ${ms(overhead.floors?.nodeStartMs.p50)}; see section 2 for the rest)` : ''}`
        : '–',
      met: overhead ? (overhead.compartment.overheadMs.p50 ?? Infinity) <= 100 : null,
    },
    {
      goal: 'Switch latency (route write → first request served by the new upstream), p50',
      target: '≤ 10 ms',
      measured: switchP50 === null ? '–' : ms(switchP50),
      met: switchP50 === null ? null : switchP50 <= 10,
    },
    {
      goal:
        '`status` over NATS with 1,000 records (whole environment, as `compartment status` asks, concurrency ' +
        (cp?.concurrency ?? '–') +
        ')',
      target: '≥ 5,000 req/s, p99 ≤ 10 ms',
      measured: envStatus
        ? `${num(envStatus.rps)} req/s, p99 ${ms(envStatus.latencyMs.p99)} (one service: ${num(cp!.service.rps)} req/s, p99 ${ms(cp!.service.latencyMs.p99)})${cpLoad !== undefined && cpLoad > 2 && !statusMet ? `; ran at a 1-minute load average of ${cpLoad} on 2 cores (agent, nats-server and the load generator share them with other work), which inflates its tail` : ''}`
        : '–',
      met: envStatus ? statusMet : null,
    },
    {
      goal: `${num(density?.actors ?? 10_000)} deployment actors on one node (heap growth)`,
      target: '≤ 50 MB',
      measured: density
        ? `heap +${heap} MB, RSS +${rss} MB${density.create.awakeActors !== undefined ? ` (${num(density.create.awakeActors)} awake; a serving deployment sleeps: its record and supervision, no XState actor; see section 6)` : ''}`
        : '–',
      met: density ? (heap ?? Infinity) <= 50 : null,
    },
    {
      goal: 'Log ingest from stdout into the log stream, none lost',
      target: '≥ 20,000 lines/s, 0 lost',
      measured: logs
        ? `${num(logs.linesPerSecond)} lines/s, ${num(logs.count.missing)} missing, ${num(logs.count.duplicates)} duplicated`
        : '–',
      met: logs ? (logs.linesPerSecond ?? 0) >= 20_000 && lost === 0 : null,
    },
    {
      goal: '`logs --follow` delay (request that makes the app print → the line on `logs --follow`), p50',
      target: '≤ 20 ms',
      measured: logs ? ms(logs.follow.delayMs.p50) : '–',
      met: logs ? (logs.follow.delayMs.p50 ?? Infinity) <= 20 : null,
    },
  ];
}
