// The one app every contender runs: answers `version=<v> pid=<n>`, is ready on listen, and can print lines on request.
/**
 * Plain Node, no dependencies, CommonJS (so PM2's cluster mode can require it). `process.send('ready')`
 * is PM2's wait_ready signal; Compartment and plain starts have no IPC channel and skip it.
 * SIGTERM and SIGINT (PM2's default kill signal) both stop it the same graceful way. It listens on
 * 127.0.0.1 unless HOST says otherwise (in a container it must listen on every interface).
 */
export const BENCH_APP_JS = `
const http = require('node:http');
const fs = require('node:fs');
const version = fs.readFileSync(__dirname + '/version.txt', 'utf8').trim();
const hello = 'version=' + version + ' pid=' + process.pid;
let bootMs = null;
// GET /fail makes /health answer 500 from then on (the revert bench's bad build); / keeps answering.
let failing = false;
function burst(n, tag) {
  const pad = 'x'.repeat(40);
  for (let i = 0; i < n; i += 1000) {
    let chunk = '';
    for (let j = i; j < Math.min(n, i + 1000); j++) chunk += 'burst ' + tag + ' ' + j + ' ' + pad + '\\n';
    fs.writeSync(1, chunk);
  }
}
const server = http.createServer((req, res) => {
  if (req.url === '/') return res.end(hello);
  if (req.url === '/ready') return res.end('ready');
  if (req.url === '/fail') {
    failing = true;
    return res.end('failing');
  }
  if (req.url === '/health') return failing ? res.writeHead(500).end('failing') : res.end('ok');
  if (req.url === '/boot') return res.end(JSON.stringify({ bootMs, version, pid: process.pid }));
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/say') {
    console.log(url.searchParams.get('m'));
    return res.end('said');
  }
  if (url.pathname === '/burst') {
    const started = performance.now();
    burst(Number(url.searchParams.get('n')), url.searchParams.get('tag'));
    return res.end(JSON.stringify({ writeMs: performance.now() - started }));
  }
  res.writeHead(404).end();
});
server.keepAliveTimeout = 10000;
server.listen(Number(process.env.PORT), process.env.HOST || '127.0.0.1', () => {
  // Time from this process's start to listening: the app's own time to ready.
  bootMs = performance.now();
  if (process.send) process.send('ready');
});
function stop() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
`;

/** The app's directory contents for a given version. */
export function appFiles(version: string): Record<string, string> {
  return {
    'server.js': BENCH_APP_JS,
    'version.txt': version,
    'package.json': '{ "name": "bench-app", "private": true }\n',
  };
}

/** A build step that does a little real work (writes a build stamp), so a deploy with a build has one to run. */
const BUILD_JS = `
const fs = require('node:fs');
const source = fs.readFileSync(__dirname + '/server.js', 'utf8');
fs.writeFileSync(__dirname + '/build-info.json', JSON.stringify({ builtAt: new Date().toISOString(), bytes: source.length }));
`;

export interface CompartmentAppOptions {
  build?: boolean;
  /** Serve it under this domain too (HTTPS on the edges' shared port, the internal CA under `up`). */
  domain?: string;
  /** More lines of the service block (e.g. `    health: {...}`). */
  extra?: string[];
}

/** A Compartment project with one routable `web` service running the bench app, ready on listen (probed every 10 ms). */
export function compartmentFiles(version: string, o: CompartmentAppOptions = {}): Record<string, string> {
  const yaml = [
    'services:',
    '  web:',
    '    path: ./web',
    ...(o.build ? ['    build: node build.js'] : []),
    '    start: node server.js',
    '    readiness: { path: /ready, intervalMs: 10, timeoutMs: 15000 }',
    '    drain: { timeoutMs: 15000 }',
    '    stop: { graceMs: 5000 }',
    ...(o.domain ? ['    domains:', `      production: [${o.domain}]`] : []),
    ...(o.extra ?? []),
    '',
  ].join('\n');
  const files: Record<string, string> = { 'compartment.yaml': yaml };
  for (const [name, text] of Object.entries(appFiles(version))) files[`web/${name}`] = text;
  if (o.build) files['web/build.js'] = BUILD_JS;
  return files;
}

/** The bench app as a Docker service: its image starts FROM the bench's Node base image (see docker-image.ts). */
export function dockerFiles(version: string, baseImage: string): Record<string, string> {
  const yaml = [
    'services:',
    '  web:',
    '    runtime: docker',
    '    path: ./web',
    '    port: 8080',
    '    readiness: { path: /ready, intervalMs: 10, timeoutMs: 30000 }',
    '    drain: { timeoutMs: 15000 }',
    '    stop: { graceMs: 5000 }',
    '    variables: { HOST: "0.0.0.0" }',
    '',
  ].join('\n');
  const dockerfile = [
    `FROM ${baseImage}`,
    'COPY server.js version.txt /app/',
    'WORKDIR /app',
    'CMD ["/usr/local/bin/node", "/app/server.js"]',
    '',
  ].join('\n');
  const files: Record<string, string> = { 'compartment.yaml': yaml, 'web/Dockerfile': dockerfile };
  for (const [name, text] of Object.entries(appFiles(version))) files[`web/${name}`] = text;
  return files;
}
