// Source of the small apps the end-to-end tests deploy: an HTTP service whose behaviour variables steer.
export const WEB_APP = `
const http = require('node:http');
const fs = require('node:fs');
const version = fs.readFileSync(__dirname + '/version.txt', 'utf8').trim();
const startedAt = Date.now();
let broken = false;
const readyAt = startedAt + Number(process.env.READY_AFTER_MS || 0);
const inFlight = new Set();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/ready') {
    const ok = process.env.NEVER_READY !== '1' && Date.now() >= readyAt;
    return res.writeHead(ok ? 200 : 503).end(ok ? 'ready' : 'not ready');
  }
  if (url.pathname === '/slow') {
    inFlight.add(res);
    return setTimeout(() => { inFlight.delete(res); res.end('slow done ' + version); }, Number(url.searchParams.get('ms') || 3000));
  }
  // This process only fails its health check from now on (a restart is healthy again).
  if (url.pathname === '/break') { broken = true; return res.end('broken'); }
  if (url.pathname === '/health') {
    // Healthy at first (and ready), then failing: the bad deploy that passes readiness.
    const failing = broken || (process.env.UNHEALTHY_AFTER_MS && Date.now() - startedAt >= Number(process.env.UNHEALTHY_AFTER_MS));
    return res.writeHead(failing ? 500 : 200).end(failing ? 'broken' : 'healthy');
  }
  if (url.pathname === '/env') return res.end(JSON.stringify(process.env));
  if (url.pathname === '/echo') { console.log(url.searchParams.get('text')); return res.end('ok'); }
  res.end('version=' + version + ' pid=' + process.pid);
});
server.keepAliveTimeout = 10000;
server.listen(Number(process.env.PORT), () => console.log('listening on ' + process.env.PORT + ' version ' + version));
if (process.env.FLOOD_LINES) {
  // Writes as fast as stdout drains: a flood that must not slow anything else down.
  let i = 0;
  const total = Number(process.env.FLOOD_LINES);
  const more = () => { while (i < total) { if (!process.stdout.write('flood line ' + (++i) + '\\n')) return process.stdout.once('drain', more); } };
  more();
}
if (process.env.EXIT_AFTER_MS) setTimeout(() => { console.error('fatal: exiting on purpose'); process.exit(3); }, Number(process.env.EXIT_AFTER_MS));
process.on('SIGTERM', () => {
  console.log('SIGTERM received, ' + inFlight.size + ' in flight');
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
`;

export interface WebOptions {
  version: string;
  variables?: Record<string, string>;
  readiness?: string;
  build?: string;
  drainMs?: number;
  /** More lines of the service's block (e.g. `    health: {...}`). */
  extra?: string[];
}

export function webProject(o: WebOptions): Record<string, string> {
  const vars = Object.entries(o.variables ?? {})
    .map(([k, v]) => `      ${k}: "${v}"`)
    .join('\n');
  return {
    'compartment.yaml': [
      'services:',
      '  web:',
      '    path: ./web',
      ...(o.build ? [`    build: ${JSON.stringify(o.build)}`] : []),
      '    start: node server.js',
      `    readiness: ${o.readiness ?? '{ path: /ready, intervalMs: 50, timeoutMs: 15000 }'}`,
      `    drain: { timeoutMs: ${o.drainMs ?? 15000} }`,
      '    stop: { graceMs: 5000 }',
      ...(o.extra ?? []),
      ...(vars ? ['    variables:', vars] : []),
      '',
    ].join('\n'),
    'web/server.js': WEB_APP,
    'web/version.txt': o.version,
  };
}
