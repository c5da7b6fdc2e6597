// Which deployment the page shows: the URL names a service (follow it) or one deployment (pinned).
export function parseHash() {
  const [env, service, id] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return env && service ? { env, service, pinned: id || null } : null;
}

/** The deployment to show: the pinned one, else what the service is doing: the newest in flight, the active one, the newest. */
export function chosen(state) {
  const sel = state.selection;
  if (!sel) return null;
  if (sel.pinned) return state.records.get(sel.pinned) ?? null;
  const list = [...state.records.values()]
    .filter((r) => r.environmentName === sel.env && r.serviceName === sel.service)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    list.find((r) => r.status === 'running' || r.status === 'queued') ?? list.find((r) => r.isActive) ?? list[0] ?? null
  );
}

/** Nothing selected yet: the first service with something in flight, else the first one at all. */
export function autoSelect(state) {
  if (state.selection || state.records.size === 0) return;
  const all = [...state.records.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const pick =
    all.find((r) => r.status === 'running' || r.status === 'queued') ??
    all.find((r) => r.environmentName === 'production') ??
    all[0];
  history.replaceState(null, '', `#/${pick.environmentName}/${pick.serviceName}`);
  state.selection = parseHash();
}
