// Real HTTP backends and a plain HTTP client for the edge tests: each backend answers its own name.
import { createServer, request, Agent, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Backend {
  name: string;
  port: number;
  hits: number;
  /** performance.now() of the first request after the last `arm()`, or null. */
  firstHitAt: number | null;
  arm(): void;
  close(): Promise<void>;
}

/** Answers `<name>` with 200; `/slow?ms=N` answers after N ms. */
export async function startBackend(name: string): Promise<Backend> {
  const server: Server = createServer((req, res) => {
    backend.hits += 1;
    if (backend.firstHitAt === null) backend.firstHitAt = performance.now();
    const slow = /^\/slow\?ms=(\d+)/.exec(req.url ?? '');
    const reply = () => res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
    if (slow) setTimeout(reply, Number(slow[1]));
    else reply();
  });
  // Longer than Caddy's idle timeout: the proxy, not the backend, decides when an idle connection goes.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const backend: Backend = {
    name,
    port: (server.address() as { port: number }).port,
    hits: 0,
    firstHitAt: 0,
    arm: () => {
      backend.firstHitAt = null;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return backend;
}

export interface Reply {
  status: number;
  body: string;
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });

/** GET through a route port with node:http (fetch drops custom Host headers; we keep to one client everywhere). */
export function get(port: number, path = '/', options: { timeoutMs?: number; fresh?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: options.fresh ? false : keepAlive }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`GET :${port}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export function closeClients(): void {
  keepAlive.destroy();
}
