// Section 9 of the report: how cost grows with services and records, as tables, a chart, and the growth in words.
import type { ScalingData } from '../scenarios/index.js';
import { ms, num, table } from './markdown.js';

/** Path of the chart, relative to BENCHMARKS.md. */
export const SCALING_SVG = 'bench/results/scaling.svg';

/**
 * The growth between the first and last step in words, from the log-log slope k (value ∝ work^k): falling, flat,
 * slower than linear, linear, or worse than linear.
 */
export function growth(x1: number, y1: number | null, x2: number, y2: number | null): string {
  if (!y1 || !y2 || y1 <= 0 || y2 <= 0) return 'not measured';
  const k = Math.log(y2 / y1) / Math.log(x2 / x1);
  const times = `${(y2 / y1).toFixed(1)}× for ${Math.round(x2 / x1)}× the work`;
  if (k < -0.15) return `falling (${times})`;
  if (k < 0.15) return `flat (${times})`;
  if (k < 0.85) return `slower than linear (${times})`;
  if (k <= 1.15) return `linear (${times})`;
  return `worse than linear (${times})`;
}

export function scalingSection(d: ScalingData): string {
  const dep = (i: number) => d.deploy.at(i);
  const st = (i: number) => d.status.at(i);
  const lg = (i: number) => d.logs.at(i);
  return [
    `![How cost grows](${SCALING_SVG})`,
    '',
    `**Deploy of n services** (one \`compartment deploy --force\` of the first n of 50 running services, each a copy of the bench app; the agent's CPU time during it, its RSS after):`,
    '',
    table(
      ['services', 'wall time', 'per service', 'agent CPU', 'agent RSS after', 'RSS growth'],
      d.deploy.map((p) => [
        p.services,
        ms(p.wallMs),
        ms(p.wallMs / p.services),
        ms(p.agentCpuMs),
        `${p.agentRssMb} MB`,
        `${p.agentRssGrowthMb} MB`,
      ]),
    ),
    '',
    `Wall time grows ${growth(dep(0)!.services, dep(0)!.wallMs, dep(-1)!.services, dep(-1)!.wallMs)}; the agent's CPU time ${growth(dep(0)!.services, dep(0)!.agentCpuMs, dep(-1)!.services, dep(-1)!.agentCpuMs)}.`,
    '',
    `**\`status\` while the agent holds more records** (plain \`compartment status\` of a 20-service environment, 16 in flight; records are history of those 20 services):`,
    '',
    table(
      ['records', 'req/s', 'p50', 'p99', 'reply bytes', 'seeded and indexed in', 'agent RSS'],
      d.status.map((p) => [
        num(p.records),
        num(p.rps),
        ms(p.latencyMs.p50),
        ms(p.latencyMs.p99),
        num(p.replyBytes),
        ms(p.indexMs),
        `${p.agentRssMb} MB`,
      ]),
    ),
    '',
    `Throughput went from ${num(st(0)!.rps)} to ${num(st(-1)!.rps)} req/s over ${Math.round(st(-1)!.records / st(0)!.records)}× the records; the agent's memory ${growth(st(0)!.records, st(0)!.agentRssMb, st(-1)!.records, st(-1)!.agentRssMb)}. A request does not scan the records (the reply stays serialized until one changes), so a change in throughput here comes from elsewhere (the agent's larger heap, or how busy the shared machine was at that moment); this bench does not separate the two.`,
    '',
    `**Log ingest from n services at once** (each writes its share of ${num(d.logs[0]?.lines)} numbered lines to stdout at the same moment; every line is looked for in the stream):`,
    '',
    table(
      ['services', 'lines', 'lines/s into the stream', 'missing', 'duplicated', 'agent CPU'],
      d.logs.map((p) => [
        p.services,
        num(p.lines),
        num(p.linesPerSecond),
        num(p.missing),
        num(p.duplicates),
        ms(p.agentCpuMs),
      ]),
    ),
    '',
    `Lines/s ${growth(lg(0)!.services, lg(0)!.linesPerSecond, lg(-1)!.services, lg(-1)!.linesPerSecond)} as writers are added (the same lines in all: flat means the agent's one publisher keeps up at the same rate however many services write); its CPU time for the same lines ${growth(lg(0)!.services, lg(0)!.agentCpuMs, lg(-1)!.services, lg(-1)!.agentCpuMs)}.`,
  ].join('\n');
}
