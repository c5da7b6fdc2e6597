// The edge's two small HTTP answerers for domains: Caddy's on-demand TLS `ask`, and the HTTP listener's redirect-or-404.
import { createServer, type Server } from 'node:http';
import type { HostIndex } from './host-index.js';

export interface EdgeAnswererOptions {
  host: string;
  /** 0 picks a port; an edge keeps its ports, so Caddy's static config stays the same across restarts. */
  askPort: number;
  plainPort: number;
  hosts: HostIndex;
  httpsPort: number;
}

export interface EdgeAnswerer {
  askPort: number;
  plainPort: number;
  close(): Promise<void>;
}

/** Longer is no domain (DNS's limit): refused without a lookup. */
const MAX_DOMAIN_QUERY = 253;

export async function startEdgeAnswerer(o: EdgeAnswererOptions): Promise<EdgeAnswerer> {
  const ask = createServer((req, res) => {
    const domain = new URL(req.url ?? '/', 'http://ask').searchParams.get('domain') ?? '';
    const approved = domain.length <= MAX_DOMAIN_QUERY && o.hosts.has(domain);
    res
      .writeHead(approved ? 200 : 404, { 'content-type': 'text/plain' })
      .end(approved ? 'held\n' : 'no route holds this domain\n');
  });
  const plain = createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    // Reached over HTTPS only for a host no route holds (the responder's fallback): never redirect that one.
    const viaHttps = req.headers['x-forwarded-proto'] === 'https';
    if (!viaHttps && host && o.hosts.has(host)) {
      const port = o.httpsPort === 443 ? '' : `:${o.httpsPort}`;
      res
        .writeHead(308, { location: `https://${host}${port}${req.url ?? '/'}`, 'content-type': 'text/plain' })
        .end('moved to https\n');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('404 not found: no route serves this host\n');
  });
  const listen = (server: Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, o.host, () => resolve((server.address() as { port: number }).port));
    });
  const askPort = await listen(ask, o.askPort);
  const plainPort = await listen(plain, o.plainPort).catch(async (e) => {
    await new Promise((r) => ask.close(r));
    throw e;
  });
  const close = (server: Server) => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
  return {
    askPort,
    plainPort,
    close: async () => void (await Promise.all([close(ask), close(plain)])),
  };
}
