// Throwaway projects for the inspection tests: a web service that becomes ready after a delay, and a plain worker.
export const SECRET = 'tok-7f3a9c1e-never-printed';

const WEB = `
const http = require('node:http');
const readyAt = Date.now() + Number(process.env.READY_AFTER_MS || 0);
http.createServer((req, res) => {
  if (req.url === '/ready') {
    const ok = process.env.NEVER_READY !== '1' && Date.now() >= readyAt;
    return res.writeHead(ok ? 200 : 503).end(ok ? 'ready' : 'not yet');
  }
  res.end('hello from ' + process.env.VERSION);
}).listen(Number(process.env.PORT), () => console.log('listening on ' + process.env.PORT));
process.on('SIGTERM', () => process.exit(0));
`;

const WORKER = `
console.log('worker up');
setInterval(() => console.log('tick'), 500);
process.on('SIGTERM', () => process.exit(0));
`;

export interface WebOptions {
  version: string;
  readyAfterMs?: number;
  neverReady?: boolean;
  timeoutMs?: number;
  /** Ready only once this file exists (a command probe): the test decides when the deploy may finish. */
  readyWhenFile?: string;
}

export function webFiles(o: WebOptions): Record<string, string> {
  return {
    'compartment.yaml': [
      'services:',
      '  web:',
      '    path: ./web',
      '    start: node server.js',
      o.readyWhenFile
        ? `    readiness: { command: ${JSON.stringify(`test -f ${o.readyWhenFile}`)}, intervalMs: 100, timeoutMs: ${o.timeoutMs ?? 30000} }`
        : `    readiness: { path: /ready, intervalMs: 100, timeoutMs: ${o.timeoutMs ?? 15000} }`,
      '    drain: { timeoutMs: 5000 }',
      '    stop: { graceMs: 2000 }',
      '    variables:',
      `      VERSION: "${o.version}"`,
      `      READY_AFTER_MS: "${o.readyAfterMs ?? 0}"`,
      `      NEVER_READY: "${o.neverReady ? '1' : '0'}"`,
      `      API_TOKEN: "${SECRET}"`,
      '',
    ].join('\n'),
    'web/server.js': WEB,
  };
}

export function workerFiles(): Record<string, string> {
  return {
    'compartment.yaml': [
      'services:',
      '  jobs:',
      '    type: worker',
      '    path: ./jobs',
      '    start: node worker.js',
      '    variables:',
      `      API_TOKEN: "${SECRET}"`,
      '',
    ].join('\n'),
    'jobs/worker.js': WORKER,
  };
}

/** The JSON lines of a `--json` command's stdout. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
