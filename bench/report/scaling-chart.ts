// The scaling curves as one SVG (three panels: deploy, status, log ingest), written beside the results it plots.
import type { ScalingData } from '../scenarios/index.js';

interface Series {
  name: string;
  color: string;
  points: Array<{ x: string; y: number | null }>;
}
interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const W = 300;
const H = 220;
const PAD = { left: 56, right: 14, top: 34, bottom: 40 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const short = (v: number) =>
  v >= 10_000 ? `${Math.round(v / 1000)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : String(Math.round(v));

function panel(p: Panel, offsetX: number): string {
  const xs = p.series[0]?.points.map((pt) => pt.x) ?? [];
  const max = Math.max(1, ...p.series.flatMap((s) => s.points.map((pt) => pt.y ?? 0))) * 1.1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  // Steps of 1/10/50 (or 1k/10k/50k) are spaced evenly: each is roughly a tenfold or fivefold step.
  const xAt = (i: number) => offsetX + PAD.left + (xs.length <= 1 ? plotW / 2 : (i * plotW) / (xs.length - 1));
  const yAt = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const out: string[] = [
    `<text x="${offsetX + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (max / 1.1) * (t / 4);
    out.push(
      `<line x1="${offsetX + PAD.left}" x2="${offsetX + W - PAD.right}" y1="${yAt(v)}" y2="${yAt(v)}" stroke="#ddd"/>`,
    );
    out.push(
      `<text x="${offsetX + PAD.left - 6}" y="${yAt(v) + 4}" text-anchor="end" font-size="10">${short(v)}</text>`,
    );
  }
  for (const [i, x] of xs.entries())
    out.push(`<text x="${xAt(i)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${esc(x)}</text>`);
  out.push(
    `<text x="${offsetX + PAD.left + plotW / 2}" y="${H - 6}" text-anchor="middle" font-size="10">${esc(p.unit)}</text>`,
  );
  p.series.forEach((s, k) => {
    const pts = s.points
      .map((pt, i) => (pt.y === null ? null : `${xAt(i)},${yAt(pt.y)}`))
      .filter((v): v is string => v !== null);
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const pt of pts)
      out.push(`<circle cx="${pt.split(',')[0]}" cy="${pt.split(',')[1]}" r="3" fill="${s.color}"/>`);
    out.push(
      `<text x="${offsetX + PAD.left + 4}" y="${PAD.top + 12 + k * 13}" font-size="10" fill="${s.color}">${esc(s.name)}</text>`,
    );
  });
  return out.join('\n');
}

export function scalingSvg(d: ScalingData): string {
  const panels: Panel[] = [
    {
      title: 'deploy of n services',
      unit: 'services in one deploy',
      series: [
        {
          name: 'wall time (ms)',
          color: '#1f77b4',
          points: d.deploy.map((p) => ({ x: String(p.services), y: p.wallMs })),
        },
        {
          name: 'agent CPU (ms)',
          color: '#d62728',
          points: d.deploy.map((p) => ({ x: String(p.services), y: p.agentCpuMs })),
        },
      ],
    },
    {
      title: 'status (20 services)',
      unit: 'records held by the agent',
      series: [{ name: 'req/s', color: '#2ca02c', points: d.status.map((p) => ({ x: short(p.records), y: p.rps })) }],
    },
    {
      title: 'log ingest',
      unit: 'services writing at once',
      series: [
        {
          name: 'lines/s into the stream',
          color: '#9467bd',
          points: d.logs.map((p) => ({ x: String(p.services), y: p.linesPerSecond })),
        },
      ],
    },
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W * panels.length}" height="${H}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    ...panels.map((p, i) => panel(p, i * W)),
    '</svg>',
    '',
  ].join('\n');
}
