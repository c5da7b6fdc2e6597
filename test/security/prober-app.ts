// A process workload that attacks its own node on request: POST /attack {files, dirs, tcp, sockets, nats} → what worked.
export const PROBER_APP = `
const http = require('node:http');
const fs = require('node:fs');
const net = require('node:net');
const outcome = (fn) => { try { fn(); return 'ok'; } catch (e) { return e.code || String(e.message); } };
/** Connects, writes, returns the first bytes answered (or the connect error). */
const talk = (opts, text) => new Promise((resolve) => {
  const s = net.connect(opts);
  let got = '';
  // NATS's INFO line is long and says nothing here: what follows it (PONG or -ERR) is the answer.
  const short = (t) => t.replace(/^INFO [^\\r\\n]*\\r\\n/, 'INFO {…}\\r\\n').slice(0, 300);
  const done = (v) => { s.destroy(); resolve(v); };
  s.setTimeout(2000, () => done(got ? 'answered: ' + short(got) : 'timeout'));
  s.on('connect', () => s.write(text));
  s.on('data', (d) => { got += d; if (got.includes('\\n') && (got.includes('PONG') || got.includes('-ERR') || got.includes('\\r\\n\\r\\n'))) setTimeout(() => done('answered: ' + short(got)), 50); });
  s.on('error', (e) => done(e.code || e.message));
  s.on('close', () => done(got ? 'answered: ' + short(got) : 'closed'));
});
const NATS_HELLO = 'CONNECT {"verbose":false,"pedantic":false}\\r\\nPING\\r\\n';
const ADMIN_GET = 'GET /config/ HTTP/1.1\\r\\nHost: \\r\\nConnection: close\\r\\n\\r\\n';
const server = http.createServer(async (req, res) => {
  if (req.url === '/ready') return res.end('ready');
  if (req.url === '/whoami') {
    let built = null;
    try { built = fs.readFileSync('build-uid.txt', 'utf8').trim(); } catch {}
    return res.end(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), groups: process.getgroups(), built, cwd: process.cwd(), env: process.env }));
  }
  if (req.url !== '/attack') return res.end('prober');
  let body = '';
  for await (const chunk of req) body += chunk;
  const a = JSON.parse(body);
  const report = { files: {}, dirs: {}, tcp: {}, sockets: {}, nats: {} };
  for (const f of a.files || []) report.files[f] = outcome(() => fs.readFileSync(f));
  for (const d of a.dirs || []) report.dirs[d] = outcome(() => fs.readdirSync(d));
  for (const p of a.tcp || []) report.tcp[p] = await talk({ host: '127.0.0.1', port: p }, ADMIN_GET);
  for (const s of a.sockets || []) report.sockets[s] = await talk({ path: s }, ADMIN_GET);
  for (const p of a.nats || []) report.nats[p] = await talk({ host: '127.0.0.1', port: p }, NATS_HELLO);
  res.end(JSON.stringify(report));
});
server.listen(Number(process.env.PORT));
`;

export interface AttackReport {
  files: Record<string, string>;
  dirs: Record<string, string>;
  tcp: Record<string, string>;
  sockets: Record<string, string>;
  nats: Record<string, string>;
}

export function proberProject(): Record<string, string> {
  return {
    'compartment.yaml': [
      'services:',
      '  web:',
      '    path: ./web',
      '    build: id -u > build-uid.txt',
      '    start: node server.js',
      '    readiness: { path: /ready, intervalMs: 50, timeoutMs: 15000 }',
      '    stop: { graceMs: 2000 }',
      '    variables: { GREETING: "hello" }',
      '',
    ].join('\n'),
    'web/server.js': PROBER_APP,
    'web/package.json': '{"name":"prober","private":true}\n',
  };
}
