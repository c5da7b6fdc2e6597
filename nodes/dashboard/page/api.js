// Talking to the dashboard server: JSON requests, and the two event streams (cluster-wide changes; one deployment's log).
async function request(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') || '';
  const payload = type.includes('application/json') ? await res.json() : await res.text();
  // The token's cookie is gone (a new `up` made a new token): only the printed URL opens the dashboard again.
  if (res.status === 401) location.reload();
  if (!res.ok)
    throw new Error(
      payload && payload.error ? `${payload.error.code}: ${payload.error.message}` : `${res.status} ${res.statusText}`,
    );
  return payload;
}

export const api = {
  overview: () => request('GET', '/api/overview'),
  deployment: (id) => request('GET', `/api/deployments/${encodeURIComponent(id)}`),
  chart: (state) => request('GET', `/api/chart?${new URLSearchParams(state)}`),
  logs: (id, tail = 300) => request('GET', `/api/logs?deployment=${encodeURIComponent(id)}&tail=${tail}`),
  deploy: (environment, service) => request('POST', '/api/actions/deploy', { environment, service }),
  rollback: (environment, service) => request('POST', '/api/actions/rollback', { environment, service }),
};

/** Cluster-wide events; `handlers[name](data)` per event, `onState(live)` when the stream opens or drops. */
export function openEvents(handlers, onState) {
  const source = new EventSource('/events');
  for (const [name, fn] of Object.entries(handlers)) source.addEventListener(name, (e) => fn(JSON.parse(e.data)));
  source.onopen = () => onState(true);
  source.onerror = () => onState(false);
  return source;
}

/** New log lines of one deployment from `from` (the sequence the tail ended at) on. */
export function openLogs(id, from, onLine) {
  const source = new EventSource(`/events/logs?deployment=${encodeURIComponent(id)}&from=${from}`);
  source.addEventListener('log', (e) => onLine(JSON.parse(e.data)));
  return source;
}
