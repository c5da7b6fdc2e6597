// The statechart view: the server's Mermaid text (generated from the machine, current states marked) drawn in place.
import { api } from './api.js';

const REGION = /-state-deployment_(status|stage|health)-\d+$/;

/** Layout only: the stage region flows left to right, so the chart fits a wide panel; the states stay as generated. */
export function prepare(text) {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('classDef current'))
    .flatMap((line) =>
      line.trim() === 'state deployment_stage {' ? [line, `${line.match(/^\s*/)[0]}  direction LR`] : [line],
    )
    .join('\n');
}

export class ChartView {
  constructor(el) {
    this.el = el;
    this.cache = new Map();
    this.wanted = null;
    this.shownKey = null;
    this.busy = false;
    this.count = 0;
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: 'dark',
      themeVariables: {
        darkMode: true,
        background: '#0f1419',
        primaryColor: '#1c2530',
        primaryTextColor: '#d7dee8',
        lineColor: '#5d6b7a',
        fontSize: '13px',
      },
    });
    // The whole chart is several screens wide: it is drawn at a readable zoom and kept centred on the current stage.
    this.zoom = 0.65;
    this.fit = false;
  }

  /** `+`, `-`, or `fit` (the whole chart in the panel, too small to read but good for the overall shape). */
  setZoom(how) {
    if (how === 'fit') this.fit = !this.fit;
    else {
      this.fit = false;
      this.zoom = Math.min(2, Math.max(0.25, this.zoom * (how === '+' ? 1.25 : 0.8)));
    }
    this.layout();
    this.center();
  }

  layout() {
    const svg = this.el.querySelector('svg');
    if (!svg) return;
    const [, , w, h] = (svg.getAttribute('viewBox') || '0 0 0 0').split(' ').map(Number);
    svg.style.maxWidth = this.fit ? '100%' : 'none';
    svg.style.width = this.fit ? '100%' : `${Math.round(w * this.zoom)}px`;
    svg.style.height = this.fit ? 'auto' : `${Math.round(h * this.zoom)}px`;
  }

  /** Scrolls the panel (not the page) so the current stage's state is in the middle. */
  center() {
    const target = [...this.el.querySelectorAll('g.node.current')].find((g) =>
      g.id.includes('-state-deployment_stage_'),
    );
    if (!target || this.fit) return;
    const box = target.getBoundingClientRect();
    const panel = this.el.getBoundingClientRect();
    this.el.scrollLeft += box.left + box.width / 2 - (panel.left + panel.width / 2);
    this.el.scrollTop += box.top + box.height / 2 - (panel.top + panel.height / 2);
  }

  /** Draws the chart for `state` ({status, stage, health} paths); calls made while drawing collapse into the latest. */
  show(state) {
    this.wanted = state;
    if (!this.busy) void this.pump();
  }

  async pump() {
    this.busy = true;
    try {
      while (this.wanted) {
        const state = this.wanted;
        this.wanted = null;
        const key = `${state.status}|${state.stage}|${state.health}`;
        if (key === this.shownKey) continue;
        let svg = this.cache.get(key);
        if (!svg) {
          const text = prepare(await api.chart(state));
          svg = (await window.mermaid.render(`statechart-${++this.count}`, text)).svg;
          this.cache.set(key, svg);
        }
        this.el.innerHTML = svg;
        this.shownKey = key;
        this.mark(state);
        this.layout();
        this.center();
      }
    } catch (error) {
      const failure = document.createElement('div');
      failure.className = 'failure';
      failure.textContent = `could not draw the statechart: ${String(error && error.message ? error.message : error)}`;
      this.el.replaceChildren(failure);
    } finally {
      this.busy = false;
    }
  }

  /** The regions are always active: only the states inside them are highlighted. */
  mark(state) {
    const leaves = [];
    for (const g of this.el.querySelectorAll('g.current')) {
      if (REGION.test(g.id)) g.classList.remove('current');
      else if (g.classList.contains('node'))
        leaves.push(g.id.replace(/^statechart-\d+-state-/, '').replace(/-\d+$/, ''));
    }
    this.el.dataset.current = leaves.sort().join(' ');
    this.el.dataset.state = `${state.status} ${state.stage} ${state.health}`;
  }
}
