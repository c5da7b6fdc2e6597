// HTTPS and HTTP requests to an edge's shared listeners by host name (no DNS): SNI and Host set, the CA root trusted.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult } from '../e2e/load.js';

export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** The serial number of the certificate the edge presented. */
  serial: string | null;
}

/** GET https://<host>:<port><path> through 127.0.0.1, trusting only `caFile`. */
export function httpsGet(port: number, host: string, caFile: string, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        servername: host,
        headers: { host: `${host}:${port}` },
        ca: readFileSync(caFile),
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate?.()?.serialNumber ?? null;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, serial }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** GET http://<host>:<port><path> through 127.0.0.1 (redirects are not followed). */
export function httpGet(port: number, host: string, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, headers: { host: `${host}:${port}` }, agent: false, timeout: 10_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, serial: null }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Keep-alive HTTPS load on one domain (SNI and Host), until stopped. */
export function startHttpsLoad(port: number, host: string, connections = 50): { stop(): Promise<LoadResult> } {
  let instance!: autocannon.Instance;
  const done = new Promise<LoadResult>((resolve, reject) => {
    instance = autocannon(
      {
        url: `https://127.0.0.1:${port}/`,
        servername: host,
        headers: { host: `${host}:${port}` },
        connections,
        duration: 3600,
        timeout: 10,
      },
      (error, r) =>
        error
          ? reject(error)
          : resolve({ requests: r.requests.total, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx }),
    );
  });
  return {
    stop: () => {
      instance.stop();
      return done;
    },
  };
}
