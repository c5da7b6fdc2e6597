// Sections 1, 3 and 4 of the report: requests lost per replacement, switch latency, rollback against a deploy with a build.
import type { ContenderReport, ReplacementsData } from '../scenarios/index.js';
import { ms, num, table, x } from './markdown.js';

/** The kind of operation the contender is measured on (a rollback run also deploys in between). */
const countedKind = (c: ContenderReport) => c.kinds[c.ops.find((o) => o.counted)?.kind ?? ''];

function row(c: ContenderReport): Array<string | number> {
  if (c.error || !c.load)
    return [
      c.label,
      c.path,
      `did not complete: ${c.error?.split('\n')[0] ?? 'no load report'}`,
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ];
  if (c.foreignAnswers > 0)
    return [
      c.label,
      c.path,
      `not valid: ${num(c.foreignAnswers)} answers came from another server on the same port`,
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ];
  const k = countedKind(c)!;
  const t = c.totals;
  const outage = k ? `${ms(k.failures.outageMs / Math.max(1, k.n))}` : '–';
  return [
    c.label,
    c.path,
    `**${num(t.failed)}**`,
    `${num(k.failed.p50)} / ${num(k.failed.max)}`,
    num(t.non2xx),
    num(t.socket),
    num(t.closed),
    num(t.timeout),
    outage,
    `${num(c.load.latencyMs.p99)} ms`,
  ];
}

export function replacementsSection(d: ReplacementsData, dockerContender?: ContenderReport): string {
  const all = dockerContender ? [...d.contenders, dockerContender] : d.contenders;
  const rows = all.map(row);
  const detail = all
    .filter((c) => Object.keys(c.totals.byDetail).length)
    .map(
      (c) =>
        `- ${c.label}: ${Object.entries(c.totals.byDetail)
          .map(([k, n]) => `${k} ${num(n)}`)
          .join(', ')}`,
    );
  const own = all
    .filter((c) => c.load)
    .map(
      (c) => `${c.label}: ${num(c.load!.autocannonOwn.errors)} errors + ${num(c.load!.autocannonOwn.non2xx)} non-2xx`,
    );
  return [
    `${d.replacements} replacements per contender under ${d.connections} keep-alive connections (autocannon, no pipelining, no retries), ${d.warmupMs / 1000} s of load before the first and ${d.settleMs} ms after each. Every contender runs the same app; they ran one after the other in this order.`,
    '',
    table(
      [
        'Contender',
        'Path of a request',
        'Failed requests',
        'Per replacement p50 / max',
        'Non-2xx',
        'Socket errors',
        'Closed with request waiting',
        'Timeouts',
        'Error window per replacement',
        'p99 latency (whole run)',
      ],
      rows,
    ),
    '',
    'Failed = no 2xx answer: non-2xx + socket errors (reset, refused) + connections the server closed while a request waited on them + timeouts. "Error window" is the time from the first to the last failure of a replacement, averaged. The p99 covers all 2xx answers of the run (Compartment and the Caddy PATCH add a proxy hop that PM2 and stop-then-start do not have).',
    '',
    ...(detail.length ? ['By kind:', ...detail, ''] : []),
    `Stock autocannon counts a request whose connection the server closes as neither an error nor an answer (it silently reconnects), and sends the next request onto a connection the server said it would close. The bench patches its client to count the first and to honour \`Connection: close\` (bench/load/client-patch.ts). autocannon's own counters for the same runs: ${own.join('; ')}.`,
  ].join('\n');
}

export function switchSection(d: ReplacementsData, dockerContender?: ContenderReport): string {
  const rows: Array<Array<string | number>> = [];
  for (const c of dockerContender ? [...d.contenders, dockerContender] : d.contenders) {
    for (const [kind, k] of Object.entries(c.kinds)) {
      if (k.toFirstNewMs.n === 0) continue;
      rows.push([
        `${c.label}: ${kind}`,
        k.toFirstNewMs.n,
        ms(k.toFirstNewMs.p50),
        ms(k.toFirstNewMs.p95),
        ms(k.toLastOldMs.p50),
        ms(k.toLastOldMs.p95),
      ]);
    }
  }
  return [
    'From the route write (Compartment: the route record’s time, written just before its compare-and-swap to KV; Caddy: the PATCH sent) to the first 2xx answer from the new version and to the last 2xx answer from the old one, as the load generator received them.',
    '',
    table(['Switch', 'n', 'first new p50', 'first new p95', 'last old p50', 'last old p95'], rows),
  ].join('\n');
}

export function rollbackSection(d: ReplacementsData): string {
  const r = d.rollbackVsDeploy;
  return [
    `Rollback wall time p50 ${ms(r.rollbackP50Ms)} against ${ms(r.deployWithBuildP50Ms)} for a deploy with a build step (\`node build.js\`, whose building stage took ${ms(r.buildStageP50Ms)} p50), both from the same run under the same load: **${x(r.ratio)}**.`,
  ].join('\n');
}
