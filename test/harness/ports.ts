// Free TCP/UDP ports on loopback for tests that start real servers.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { kernelPort } from '../../packages/kit/index.js';

/** A port the kernel just handed out and released: free now, very likely still free a moment later. */
export const freePort = (host = '127.0.0.1'): Promise<number> => kernelPort(host);

/** A port free for both TCP and UDP (DNS listens on both). */
export async function freeDualPort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await freePort(host);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, host, () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no port free for both TCP and UDP');
}

/** `count` consecutive ports, all free for TCP right now. */
export async function freePortRange(count: number, host = '127.0.0.1'): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map((p) => isFree(p, host)))).every(Boolean)) return ports;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

export function isFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}
