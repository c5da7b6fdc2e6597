// Short notes in the corner: an action started, finished or failed.
let toastTimer = null;
export function toast(text, kind = 'bad') {
  const el = document.getElementById('toast');
  el.textContent = String(text);
  el.className = `toast ${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 6000);
}
