// `/metrics` over HTTP for Prometheus: one small server per process, on loopback unless told otherwise.
import { createServer, type Server } from 'node:http';
import { isIPv6 } from 'node:net';
import { InvalidArgumentError } from 'commander';

export interface MetricsServer {
  /** `http://host:port/metrics`, as `compartment nodes` shows it and Prometheus scrapes it. */
  readonly url: string;
  close(): Promise<void>;
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Serves `render()` at GET /metrics; every other path is 404. Port 0 picks a free one. */
export async function serveMetrics(
  host: string,
  port: number,
  render: () => Promise<string>,
  warn: (m: string, e?: unknown) => void,
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics')
      return void res.writeHead(404).end('not found\n');
    render().then(
      (text) => res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
      (error: unknown) => {
        warn('rendering metrics failed', error);
        res.writeHead(500).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  // The scrape URL names the address it is bound to; 0.0.0.0 (all interfaces) is not dialable, so it names loopback.
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return {
    url: `http://${isIPv6(shown) ? `[${shown}]` : shown}:${bound}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `--metrics-port`: 0 (a free port, the default) to 65535. */
export function parseMetricsPort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535)
    throw new InvalidArgumentError('expected a port number (0: a free one)');
  return Number(text);
}

/** The flags both server processes take: [flag, description, parser, default]. */
export const METRICS_FLAGS = {
  host: [
    '--metrics-host <host>',
    'address /metrics listens on (loopback by default: nothing outside this machine can scrape it)',
    '127.0.0.1',
  ],
  port: ['--metrics-port <port>', 'port of /metrics (default 0: a free one, shown by `compartment nodes`)'],
} as const;
