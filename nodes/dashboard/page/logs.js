// The log pane of one deployment: the recent tail, then live lines, filtered by stream in the page.
import { api, openLogs } from './api.js';
import { clock } from './format.js';

const KEEP = 2000;
const STREAMS = ['compartment', 'stdout', 'stderr'];

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = String(text);
  return node;
}

export class LogView {
  constructor(el) {
    this.el = el;
    this.lines = [];
    this.id = null;
    this.source = null;
    this.lastSequence = 0;
    this.show = new Set(STREAMS);
    el.innerHTML = `
      <div class="log-bar"><h2>Logs</h2>
        ${STREAMS.map((s) => `<label class="chk s-${s}"><input type="checkbox" data-stream="${s}" checked> ${s}</label>`).join('')}
        <label class="chk"><input type="checkbox" data-follow checked> follow</label>
        <span class="muted small" data-count></span></div>
      <div class="log scroll mono" data-testid="logs"></div>`;
    this.body = el.querySelector('.log');
    this.countEl = el.querySelector('[data-count]');
    this.follow = el.querySelector('[data-follow]');
    for (const box of el.querySelectorAll('[data-stream]'))
      box.addEventListener('change', () => {
        box.checked ? this.show.add(box.dataset.stream) : this.show.delete(box.dataset.stream);
        this.redraw();
      });
  }

  async attach(id) {
    if (id === this.id) return;
    this.detach();
    this.id = id;
    this.lines = [];
    this.redraw();
    try {
      const { lines, nextSequence } = await api.logs(id);
      if (this.id !== id) return;
      for (const l of lines) this.add(l, false);
      this.redraw();
      this.connect(id, nextSequence);
    } catch (error) {
      this.body.replaceChildren(el('div', 'failure', `could not read logs: ${error.message}`));
    }
  }

  /** EventSource would reconnect from the original sequence and repeat lines: reconnect ourselves from the last one seen. */
  connect(id, from) {
    this.source = openLogs(id, from, (line) => {
      this.lastSequence = Math.max(this.lastSequence, line.sequence);
      this.add(line, true);
    });
    this.source.onerror = () => {
      this.source.close();
      setTimeout(() => this.id === id && this.connect(id, this.lastSequence ? this.lastSequence + 1 : from), 1000);
    };
  }

  detach() {
    this.source?.close();
    this.source = null;
    this.id = null;
    this.lastSequence = 0;
  }

  add(line, live) {
    this.lines.push(line);
    if (this.lines.length > KEEP) this.lines.splice(0, this.lines.length - KEEP);
    if (!live) return;
    this.body.querySelector('.pad')?.remove();
    if (this.show.has(line.stream)) this.body.append(this.row(line));
    while (this.body.childElementCount > KEEP) this.body.firstElementChild.remove();
    this.afterChange();
  }

  /** A workload's text is text: set with textContent, never parsed as HTML. */
  row(l) {
    const row = el('div', `line s-${STREAMS.includes(l.stream) ? l.stream : 'other'}`);
    row.append(el('span', 't', clock(l.time)), el('span', 'st', l.stream), el('span', 'x', l.text));
    return row;
  }

  redraw() {
    const shown = this.lines.filter((l) => this.show.has(l.stream));
    this.body.replaceChildren(
      ...(shown.length ? shown.map((l) => this.row(l)) : [el('div', 'muted small pad', 'no lines')]),
    );
    this.afterChange();
  }

  afterChange() {
    this.countEl.textContent = `${this.lines.length} line${this.lines.length === 1 ? '' : 's'}`;
    if (this.follow.checked) this.body.scrollTop = this.body.scrollHeight;
  }
}
