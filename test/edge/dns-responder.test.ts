// The DNS responder over real UDP and TCP sockets, asked by Node's own resolver (c-ares) and by raw dns-packet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { promises as dns } from 'node:dns';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as dnsPacket from 'dns-packet';
import {
  RouteTable,
  startDnsResponder,
  routeName,
  upstreamName,
  type DnsResponder,
} from '../../packages/edge/index.js';
import { sleep, waitFor } from '../harness/wait.js';

let table: RouteTable;
let responder: DnsResponder;
let resolver: dns.Resolver;

test.before(async () => {
  table = new RouteTable();
  responder = await startDnsResponder({ table, retainMs: 300 });
  resolver = new dns.Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([`${responder.host}:${responder.port}`]);
});

test.after(async () => {
  await responder?.close();
});

function udpQuery(packet: dnsPacket.Packet): Promise<dnsPacket.DecodedPacket> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no UDP answer')), 2_000);
    socket.on('message', (m) => {
      clearTimeout(timer);
      socket.close();
      resolve(dnsPacket.decode(m));
    });
    socket.send(dnsPacket.encode(packet), responder.port, responder.host);
  });
}

function tcpQuery(packet: dnsPacket.Packet): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = connect(responder.port, responder.host, () => socket.write(dnsPacket.streamEncode(packet)));
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        socket.destroy();
        resolve(dnsPacket.decode(data.subarray(2)));
      }
    });
    socket.on('error', reject);
  });
}

/** The error code a lookup fails with, or 'resolved' when it does not fail. */
const errorCode = (lookup: Promise<unknown>) =>
  lookup.then(
    () => 'resolved',
    (error: NodeJS.ErrnoException) => error.code,
  );

const srvQuestion = (port: number): dnsPacket.Packet => ({
  type: 'query',
  id: 7,
  flags: dnsPacket.RECURSION_DESIRED,
  questions: [{ type: 'SRV', name: routeName(port) }],
});

test('SRV for a route names its upstreams; the target resolves to the host', async () => {
  table.set({
    port: 8101,
    deploymentId: 'abc123',
    upstreams: [
      { host: '127.0.0.1', port: 4001 },
      { host: '127.0.0.1', port: 4002 },
    ],
    revision: 1,
  });
  const srv = (await resolver.resolveSrv(routeName(8101))).sort((x, y) => x.port - y.port);
  assert.equal(
    srv.map((r) => [r.name, r.port]),
    [
      [upstreamName('abc123'), 4001],
      [upstreamName('abc123'), 4002],
    ],
  );
  assert.equal(await resolver.resolve4(upstreamName('abc123')), ['127.0.0.1']);
  const raw = await udpQuery(srvQuestion(8101));
  assert.ok(raw.flag_aa, 'authoritative (Go calls a non-authoritative empty answer a lame referral)');
  assert.is(raw.id, 7);
  assert.equal(
    raw.additionals?.map((r) => [r.type, r.name, (r as { data: unknown }).data]),
    [['A', upstreamName('abc123'), '127.0.0.1']],
  );
  assert.ok(raw.answers!.every((r) => (r as { ttl?: number }).ttl === 0));
});

test('a deployment on two hosts gets one name per host; IPv6 hosts answer AAAA', async () => {
  table.set({
    port: 8102,
    deploymentId: 'multi1',
    upstreams: [
      { host: '10.0.0.5', port: 80 },
      { host: '::1', port: 81 },
    ],
    revision: 1,
  });
  const srv = await resolver.resolveSrv(routeName(8102));
  assert.equal(srv.map((r) => r.name).sort(), [upstreamName('multi1'), upstreamName('multi1', 1)].sort());
  assert.equal(await resolver.resolve4(upstreamName('multi1')), ['10.0.0.5']);
  assert.equal(await resolver.resolve6(upstreamName('multi1', 1)), ['::1']);
  const noAaaa = await udpQuery({ type: 'query', id: 9, questions: [{ type: 'AAAA', name: upstreamName('multi1') }] });
  assert.equal(
    [(noAaaa as unknown as { rcode: string }).rcode, noAaaa.answers?.length],
    ['NOERROR', 0],
    'NODATA, not NXDOMAIN, for the other address family',
  );
});

test('the responder holds a replaced deployment as retiring until a later SRV lookup plus one refresh', async () => {
  const refreshMs = 50;
  table.set({ port: 8105, deploymentId: 'before1', upstreams: [{ host: '127.0.0.9', port: 5000 }], revision: 1 });
  await udpQuery(srvQuestion(8105)); // Caddy's lookup got the old answer
  table.set({ port: 8105, deploymentId: 'after22', upstreams: [{ host: '127.0.0.9', port: 5001 }], revision: 2 });
  const routed = new Set(['after22', 'abc123', 'multi1']);
  const held = () => responder.retiring(routed, refreshMs).find((r) => r.deploymentId === 'before1')?.heldForMs;
  // No lookup followed the old answer: nothing proves its lookup completed, so it is held beyond one refresh.
  assert.ok((held() ?? 0) > refreshMs, `held ${held()} ms before any later lookup`);
  await resolver.resolve4(upstreamName('after22'));
  assert.ok((held() ?? 0) > refreshMs, 'an address lookup is no SRV lookup: it proves nothing');
  await udpQuery(srvQuestion(8105)); // the next SRV lookup: the old one had completed when this was sent
  assert.ok((held() ?? 0) <= refreshMs + 5, `held ${held()} ms after a later lookup`);
  await waitFor('the old answer to expire', async () => held() === undefined, 1_000);
  assert.is(held(), undefined);
});

test('unknown names answer NXDOMAIN; a removed upstream name resolves only for the retention window', async () => {
  assert.is(await errorCode(resolver.resolveSrv(routeName(8199))), 'ENOTFOUND');
  assert.is(await errorCode(resolver.resolve4('nothing.example.com')), 'ENOTFOUND');
  table.set({ port: 8103, deploymentId: 'old111', upstreams: [{ host: '127.0.0.7', port: 5000 }], revision: 1 });
  table.set({ port: 8103, deploymentId: 'new222', upstreams: [{ host: '127.0.0.8', port: 5000 }], revision: 2 });
  assert.equal(await resolver.resolve4(upstreamName('old111')), ['127.0.0.7'], 'still dialable while it drains');
  assert.equal(
    (await resolver.resolveSrv(routeName(8103))).map((r) => r.name),
    [upstreamName('new222')],
  );
  await sleep(400);
  assert.is(await errorCode(resolver.resolve4(upstreamName('old111'))), 'ENOTFOUND');
  table.delete(8103);
  assert.is(await errorCode(resolver.resolveSrv(routeName(8103))), 'ENOTFOUND');
});

test('over UDP a large answer drops the extras, then truncates (TC); TCP carries it whole', async () => {
  const upstreams = Array.from({ length: 30 }, (_, i) => ({ host: '127.0.0.1', port: 6000 + i }));
  table.set({ port: 8104, deploymentId: 'big333', upstreams, revision: 1 });
  const udp = await udpQuery(srvQuestion(8104));
  assert.ok(udp.flag_tc, 'truncated over classic 512-byte UDP');
  assert.ok(udp.answers!.length < 30);
  const tcp = await tcpQuery(srvQuestion(8104));
  assert.not.ok(tcp.flag_tc);
  assert.is(tcp.answers!.length, 30);
  assert.is(tcp.additionals!.length, 1, 'one A record for the one target name');
  const srv = await resolver.resolveSrv(routeName(8104));
  assert.is(srv.length, 30, 'c-ares falls back to TCP by itself');
  assert.ok(responder.stats().tcp >= 2);
});

test.run();
