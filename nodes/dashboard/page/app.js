// Dashboard page entry: holds the state (records, selection, transitions), follows the server's events, renders the views.
import { api, openEvents } from './api.js';
import { renderSidebar } from './sidebar.js';
import { mountDetail, renderHeader, renderTimeline, renderAttempts, renderTransitions } from './detail.js';
import { ChartView } from './chart.js';
import { LogView } from './logs.js';
import { duration } from './format.js';
import { parseHash, chosen, autoSelect } from './selection.js';
import { toast } from './toast.js';

const state = {
  records: new Map(),
  actions: null,
  /** From the URL: `#/env/service` follows the newest deployment, `#/env/service/id` pins one. */
  selection: null,
  current: null,
  transitions: [],
  /** The freshest region state of the shown deployment and its time: transitions arrive before records are written. */
  shown: null,
};
const sidebar = document.getElementById('sidebar');
const main = document.getElementById('main');
let view = null;

function offerState(s, at) {
  if (!state.shown || at >= state.shown.at) state.shown = { state: s, at };
}

async function select() {
  autoSelect(state);
  const record = chosen(state);
  renderSidebar(sidebar, state);
  if (!record) {
    state.current = null;
    view = null;
    main.innerHTML = `<div class="empty">${state.records.size === 0 ? 'No deployments yet. Run <code>compartment deploy</code> in a project: it shows up here as it happens.' : 'Pick a service on the left.'}</div>`;
    return;
  }
  if (record.id === state.current && view) return renderAll();
  state.current = record.id;
  state.transitions = [];
  state.journal = true;
  state.domains = [];
  state.shown = { state: record.state, at: record.updatedAt };
  if (!view) {
    view = mountDetail(main);
    view.chartView = new ChartView(view.chart);
    view.logView = new LogView(view.logs);
  }
  renderSidebar(sidebar, state);
  renderAll();
  void view.logView.attach(record.id);
  try {
    const detail = await api.deployment(record.id);
    if (state.current !== record.id) return;
    // Live ones that arrived while the journal was on its way follow it, once.
    const key = (t) => `${t.nodeId}#${t.seq}`;
    const known = new Set(detail.transitions.map(key));
    state.transitions = [...detail.transitions, ...state.transitions.filter((t) => !known.has(key(t)))];
    state.journal = detail.journal;
    state.domains = detail.domains ?? [];
    const last = state.transitions[state.transitions.length - 1];
    if (last) offerState(last.after, last.at);
    renderAll();
  } catch (error) {
    toast(`could not load ${record.id}: ${error.message}`);
  }
}

function renderAll() {
  const r = state.current && state.records.get(state.current);
  if (!r || !view) return;
  const ctx = {
    now: Date.now(),
    pinned: Boolean(state.selection?.pinned),
    actions: state.actions,
    domains: state.domains ?? [],
  };
  renderHeader(view.header, r, state.shown.state, ctx);
  renderTimeline(view.timeline, r, state.shown.state, ctx.now);
  renderAttempts(view.attempts, view.attemptsCount, r);
  renderTransitions(view.transitions, view.transitionsCount, state.transitions, state.journal);
  view.chartView.show(state.shown.state);
}

let sidebarQueued = false;
function refreshSidebar() {
  if (sidebarQueued) return;
  sidebarQueued = true;
  requestAnimationFrame(() => {
    sidebarQueued = false;
    renderSidebar(sidebar, state);
  });
}

function onRecord(r) {
  state.records.set(r.id, r);
  const next = chosen(state);
  if (!state.selection || (next && next.id !== state.current)) return void select();
  if (r.id === state.current) {
    offerState(r.state, r.updatedAt);
    renderAll();
  }
  refreshSidebar();
}

function onTransition(t) {
  if (t.id !== state.current) return;
  if (state.transitions.some((x) => x.nodeId === t.nodeId && x.seq === t.seq)) return;
  state.transitions.push(t);
  offerState(t.after, t.at);
  renderAll();
}

async function reload() {
  const overview = await api.overview();
  state.records = new Map(overview.deployments.map((r) => [r.id, r]));
  state.actions = overview.actions;
  document.getElementById('nats').textContent = overview.nats;
  const mode = document.getElementById('mode');
  mode.textContent = overview.actions ? 'deploy & rollback enabled' : 'read-only';
  mode.classList.toggle('warn', Boolean(overview.actions));
  state.current = null;
  await select();
}

function setLive(live, text) {
  const el = document.getElementById('live');
  el.textContent = text ?? (live ? 'live' : 'reconnecting…');
  el.className = `live ${live ? 'on' : 'off'}`;
}

main.addEventListener('click', async (e) => {
  const zoom = e.target.closest('button[data-zoom]');
  if (zoom && view) return view.chartView.setZoom(zoom.dataset.zoom);
  const button = e.target.closest('button[data-action]');
  if (!button) return;
  const { action, env, service } = button.dataset;
  button.disabled = true;
  try {
    if (action === 'deploy') await api.deploy(env, service);
    else await api.rollback(env, service);
    toast(`${action} of ${service} started`, 'good');
    if (state.selection?.pinned) location.hash = `#/${env}/${service}`;
  } catch (error) {
    toast(`${action} failed: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});

window.addEventListener('hashchange', () => {
  state.selection = parseHash();
  void select();
});
// Elapsed times move on their own while a deployment is in flight; only those parts are redrawn.
setInterval(() => {
  const r = state.current && state.records.get(state.current);
  if (!r || !view || ['succeeded', 'failed'].includes(state.shown.state.status)) return;
  const now = Date.now();
  renderTimeline(view.timeline, r, state.shown.state, now);
  const elapsed = view.header.querySelector('[data-testid=elapsed]');
  if (elapsed) elapsed.textContent = duration(now - Date.parse(r.createdAt));
}, 1000);

state.selection = parseHash();
openEvents(
  {
    hello: () => void reload().catch((e) => toast(`could not load: ${e.message}`)),
    record: onRecord,
    removed: ({ id }) => {
      state.records.delete(id);
      if (id === state.current) void select();
      else refreshSidebar();
    },
    transition: onTransition,
    action: (e) => {
      if (e.done)
        toast(
          `deploy from the dashboard ${e.done.code === 0 ? 'finished' : `ended with exit code ${e.done.code}`}`,
          e.done.code === 0 ? 'good' : 'bad',
        );
      else if (e.line && e.line.stderr) toast(e.line.stderr);
    },
  },
  setLive,
);
