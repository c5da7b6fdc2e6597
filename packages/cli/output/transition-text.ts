// One line per statechart transition for `inspect --watch`: time, event, payload summary, the regions that changed.
import type { RegionState, TransitionReport } from '../progress/transition-report.js';
import type { Output } from './terminal-output.js';
import { terminalSafe } from './terminal-safe.js';

const REGIONS = ['status', 'stage', 'health'] as const;

/** `xstate.done.actor.build` → `build done`, `xstate.error.actor.switchRoute` → `switchRoute failed` (as the chart labels them). */
export function eventLabel(type: string): string {
  const settled = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (settled) return `${settled[2]} ${settled[1] === 'done' ? 'done' : 'failed'}`;
  return type === 'xstate.init' ? 'start' : type;
}

/** What the event carried, in a few words: the probe's answer, the error, the exit code. */
export function dataSummary(report: TransitionReport): string {
  const d = report.data;
  if (!d) return '';
  if (d.restored === true) return `hosted on node ${report.nodeId} from its stored state`;
  if (report.event === 'readiness.attempt')
    return `${String(d.detail)} (${d.ok ? 'ready' : 'not ready'}, ${Math.round(Number(d.latencyMs))} ms)`;
  if (typeof d.error === 'string') return d.error;
  const parts = Object.entries(d)
    .filter(([k, v]) => k !== 'at' && (v === null || typeof v !== 'object'))
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.join(' ');
}

export function changedRegions(
  before: RegionState | null,
  after: RegionState,
): Array<{ region: string; from: string | null; to: string }> {
  return REGIONS.filter((r) => before?.[r] !== after[r]).map((r) => ({
    region: r,
    from: before?.[r] ?? null,
    to: after[r],
  }));
}

/** `10:01:00.123Z  #4  build done  stage building.slot.running → starting_candidate.starting`. */
export function transitionLine(report: TransitionReport, out: Pick<Output, 'paint'>): string {
  const time = report.at.length >= 23 ? `${report.at.slice(11, 23)}Z` : report.at;
  const changes = changedRegions(report.before, report.after);
  const state =
    report.before === null
      ? REGIONS.map((r) => `${r} ${out.paint('bold', report.after[r])}`).join(' · ')
      : changes.length === 0
        ? out.paint('dim', '(no state change)')
        : changes.map((c) => `${c.region} ${c.from} → ${out.paint('bold', c.to)}`).join(' · ');
  const summary = terminalSafe(dataSummary(report));
  const raised = report.raised.length > 0 ? out.paint('dim', ` [raised ${report.raised.join(', ')}]`) : '';
  return (
    [
      out.paint('dim', `${time}  #${String(report.seq).padEnd(3)}`),
      out.paint('cyan', eventLabel(report.event)),
      summary ? `${summary}  ` : '',
    ].join('  ') +
    state +
    raised
  );
}
