// Short notes in the corner: an action started, finished or failed.
import { esc } from './format.js';

let toastTimer = null;
export function toast(text, kind = 'bad') {
  const el = document.getElementById('toast');
  el.innerHTML = esc(text);
  el.className = `toast ${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 6000);
}
