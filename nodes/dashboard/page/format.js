// Formatting helpers shared by the page's views: escaping, times, durations, event labels, region changes.
export const STAGES = [
  'building',
  'starting_candidate',
  'checking_readiness',
  'switching_route',
  'draining_previous',
  'active',
];
export const REGIONS = ['status', 'stage', 'health'];

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** `2026-04-24T10:01:00.123Z` → `10:01:00.123` in the viewer's time zone. */
export function clock(iso, ms = true) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '-';
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${ms ? `.${p(d.getMilliseconds(), 3)}` : ''}`;
}

export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function ago(iso, now = Date.now()) {
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '';
  if (ms < 5_000) return 'just now';
  if (ms < 60_000) return `${Math.floor(ms / 1000)}s ago`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m ago`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}h ago`;
  return `${Math.floor(ms / 86_400_000)}d ago`;
}

/** As the chart labels them: `xstate.done.actor.build` → `build done`. */
export function eventLabel(type) {
  const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (m) return `${m[2]} ${m[1] === 'done' ? 'done' : 'failed'}`;
  return type === 'xstate.init' ? 'start' : type;
}

export function dataSummary(r) {
  const d = r.data;
  if (!d) return '';
  if (d.restored === true) return `hosted on ${r.nodeId} from its stored state`;
  if (r.event === 'readiness.attempt') return `${d.detail} (${Math.round(Number(d.latencyMs))} ms)`;
  if (typeof d.error === 'string') return d.error;
  return Object.entries(d)
    .filter(([k, v]) => k !== 'at' && (v === null || typeof v !== 'object'))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function changes(before, after) {
  return REGIONS.filter((k) => !before || before[k] !== after[k]).map((k) => ({
    region: k,
    from: before ? before[k] : null,
    to: after[k],
  }));
}

export const isTerminal = (status) => status === 'succeeded' || status === 'failed';
