// Picks the local cluster's ports once: NATS, DNS (free for UDP and TCP), Caddy admin, and 100 consecutive route ports.
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { kernelPort } from '../../kit/index.js';
import type { ClusterPorts, MemberPorts } from './cluster-files.js';

const HOST = '127.0.0.1';
export const ROUTE_PORT_COUNT = 100;
const PREFERRED_NATS = 4222;
const PREFERRED_ROUTES = 8100;
const PREFERRED_DASHBOARD = 7070;
/** `up` runs unprivileged setups too: high ports for the shared HTTPS/HTTP listeners, 8443/8080 when free. */
const PREFERRED_HTTPS = 8443;
const PREFERRED_HTTP = 8080;

export function tcpFree(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export function udpFree(port: number, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, host, () => s.close(() => resolve(true)));
  });
}

async function pickPort(
  taken: Set<number>,
  accept: (p: number) => Promise<boolean>,
  preferred?: number,
): Promise<number> {
  if (preferred !== undefined && !taken.has(preferred) && (await accept(preferred))) return preferred;
  for (let i = 0; i < 50; i++) {
    const port = await kernelPort(HOST);
    if (!taken.has(port) && (await accept(port))) return port;
  }
  throw new Error('no free port found');
}

/** Member i's edge listens on 127.0.0.i: every member uses the same route ports, each on its own address. */
export const edgeHostOf = (member: number) => `127.0.0.${member}`;

async function rangeFree(first: number, taken: Set<number>, hosts: string[]): Promise<boolean> {
  if (first + ROUTE_PORT_COUNT - 1 > 65535) return false;
  for (let p = first; p < first + ROUTE_PORT_COUNT; p++) {
    if (taken.has(p)) return false;
    for (const host of hosts) if (!(await tcpFree(p, host))) return false;
  }
  return true;
}

/** Prefers 8100–8199, then the next hundreds up to 9999, then random bases above 20000. */
async function pickRouteRange(taken: Set<number>, hosts: string[]): Promise<[number, number]> {
  const candidates = [];
  for (let base = PREFERRED_ROUTES; base < 10_000; base += ROUTE_PORT_COUNT) candidates.push(base);
  for (let i = 0; i < 30; i++) candidates.push(20_000 + ROUTE_PORT_COUNT * Math.floor(Math.random() * 400));
  for (const base of candidates) {
    if (await rangeFree(base, taken, hosts)) return [base, base + ROUTE_PORT_COUNT - 1];
  }
  throw new Error(`no ${ROUTE_PORT_COUNT} consecutive free ports found`);
}

export async function pickClusterPorts(nodes = 1): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const keep = (p: number) => (taken.add(p), p);
  const members: MemberPorts[] = [];
  for (let i = 1; i <= nodes; i++) {
    members.push({
      nats: keep(await pickPort(taken, (p) => tcpFree(p), i === 1 ? PREFERRED_NATS : undefined)),
      natsCluster: nodes > 1 ? keep(await pickPort(taken, (p) => tcpFree(p))) : 0,
      dns: keep(await pickPort(taken, async (p) => (await tcpFree(p)) && (await udpFree(p)))),
      caddyAdmin: keep(await pickPort(taken, (p) => tcpFree(p))),
    });
  }
  const routes = await pickRouteRange(
    taken,
    members.map((_, i) => edgeHostOf(i + 1)),
  );
  for (let p = routes[0]; p <= routes[1]; p++) taken.add(p);
  const dashboard = await pickDashboardPort(taken);
  const { https, http } = await pickHttpsPorts(taken, members.length);
  const [first] = members;
  return {
    nats: first!.nats,
    dns: first!.dns,
    caddyAdmin: first!.caddyAdmin,
    routes,
    dashboard,
    https,
    http,
    ...(nodes > 1 ? { members } : {}),
  };
}

/** The shared HTTPS and HTTP ports, free on every member's edge address. */
export async function pickHttpsPorts(taken: Set<number>, members: number): Promise<{ https: number; http: number }> {
  const everywhere = async (p: number) => {
    for (let i = 1; i <= members; i++) if (!(await tcpFree(p, edgeHostOf(i)))) return false;
    return true;
  };
  const https = await pickPort(taken, everywhere, PREFERRED_HTTPS);
  taken.add(https);
  const http = await pickPort(taken, everywhere, PREFERRED_HTTP);
  taken.add(http);
  return { https, http };
}

/** 7070 when free, else any free port outside `taken`. */
export function pickDashboardPort(taken: Set<number> = new Set()): Promise<number> {
  return pickPort(taken, (p) => tcpFree(p), PREFERRED_DASHBOARD);
}
