// The edge's DNS server (UDP and TCP on one port): answers Caddy's SRV and address lookups from the route table.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { CompartmentError } from '../protocol/index.js';
import type { RouteTable } from './route-table.js';
import { DnsZone, type HostRouting } from './dns-zone.js';
import { answerQuery } from './dns-answer.js';
import { AnswerLog, type Retiring } from './answer-log.js';

export interface DnsResponderOptions {
  host?: string;
  /** 0 picks a port free for both UDP and TCP. */
  port?: number;
  table: RouteTable;
  ttl?: number;
  /** How long names of upstreams that left the table keep resolving (see DnsZone). */
  retainMs?: number;
  /** Per-host names for the HTTPS server (domains), when the edge serves any. */
  hostRouting?: HostRouting;
}

export interface DnsResponder {
  host: string;
  port: number;
  /** Queries answered so far, by transport. */
  stats(): { udp: number; tcp: number };
  /** Deployments not in `routed` whose earlier answers Caddy (refreshing every `refreshMs`) may still pick. */
  retiring(routed: ReadonlySet<string>, refreshMs: number): Retiring[];
  close(): Promise<void>;
}

export async function startDnsResponder(options: DnsResponderOptions): Promise<DnsResponder> {
  const host = options.host ?? '127.0.0.1';
  const zone = new DnsZone(options.table, {
    retainMs: options.retainMs,
    ...(options.hostRouting ? { hostRouting: options.hostRouting } : {}),
  });
  const ttl = options.ttl ?? 0;
  const counts = { udp: 0, tcp: 0 };
  const log = new AnswerLog();
  const respond = (message: Buffer, transport: 'udp' | 'tcp'): Buffer | null => {
    let query: ReturnType<typeof dnsPacket.decode>;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return null; // not a DNS message: nothing sensible to answer
    }
    counts[transport] += 1;
    return answerQuery(query, zone, { ttl, transport, log });
  };

  const { udp, tcp } = await bindBoth(host, options.port ?? 0).catch((error: Error) => {
    zone.close();
    throw new CompartmentError(
      'INTERNAL',
      `the DNS responder cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
    );
  });
  // A failed send (the asker went away) must not take the data plane down with it.
  udp.on('error', () => {});
  tcp.on('error', () => {});
  udp.on('message', (message, peer) => {
    const reply = respond(message, 'udp');
    if (reply) udp.send(reply, peer.port, peer.address);
  });
  const sockets = new Set<Socket>();
  tcp.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveStream(socket, (m) => respond(m, 'tcp'));
  });
  const port = udp.address().port;
  return {
    host,
    port,
    stats: () => ({ ...counts }),
    retiring: (routed, refreshMs) => log.retiring(routed, refreshMs),
    close: async () => {
      zone.close();
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise<void>((r) => udp.close(() => r())),
        new Promise<void>((r) => tcp.close(() => r())),
      ]);
    },
  };
}

/** DNS over TCP: each message is preceded by its 16-bit length; one connection may carry several. */
function serveStream(socket: Socket, respond: (message: Buffer) => Buffer | null): void {
  let pending = Buffer.alloc(0);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) return;
      const reply = respond(pending.subarray(2, 2 + length));
      pending = pending.subarray(2 + length);
      if (!reply) return void socket.destroy();
      const framed = Buffer.alloc(2 + reply.length);
      framed.writeUInt16BE(reply.length, 0);
      reply.copy(framed, 2);
      socket.write(framed);
    }
  });
}

/** Binds UDP and TCP to the same port; with port 0, retries until a port is free for both. */
async function bindBoth(host: string, port: number): Promise<{ udp: UdpSocket; tcp: Server }> {
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const tcp = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(udp.address().port, host, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp };
    } catch (error) {
      udp.close();
      if (port !== 0 || attempt >= 20) throw error;
    }
  }
}
