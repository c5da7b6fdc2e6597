// Unit tests of the zone and the DNS answer builder, on encoded packets without sockets.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as dnsPacket from 'dns-packet';
import { RouteTable } from '../route-table.js';
import { DnsZone } from '../dns-zone.js';
import { answerQuery } from '../dns-answer.js';
import { routeName, upstreamName } from '../dns-names.js';

type Decoded = dnsPacket.DecodedPacket & { rcode: string };
const dataOf = (record: dnsPacket.Answer) => (record as { data?: unknown }).data;

function ask(
  zone: DnsZone,
  question: dnsPacket.Question,
  extra: Partial<dnsPacket.Packet> = {},
  transport: 'udp' | 'tcp' = 'udp',
): Decoded {
  const query = dnsPacket.decode(
    dnsPacket.encode({ type: 'query', id: 42, flags: dnsPacket.RECURSION_DESIRED, questions: [question], ...extra }),
  );
  return dnsPacket.decode(answerQuery(query, zone, { ttl: 0, transport })!) as Decoded;
}

test('SRV answers carry name targets, the address rides in the additional section, flags are right', () => {
  const table = new RouteTable();
  table.set({ port: 8100, deploymentId: 'dep001', upstreams: [{ host: '10.1.2.3', port: 3000 }], revision: 1 });
  const reply = ask(new DnsZone(table), { type: 'SRV', name: routeName(8100).toUpperCase() });
  assert.is(reply.id, 42);
  assert.is(reply.rcode, 'NOERROR');
  assert.ok(reply.flag_qr && reply.flag_aa && reply.flag_rd);
  assert.equal(reply.answers?.map(dataOf), [{ priority: 0, weight: 1, port: 3000, target: upstreamName('dep001') }]);
  assert.equal(
    reply.additionals?.map((a) => [a.type, dataOf(a)]),
    [['A', '10.1.2.3']],
  );
});

test('NXDOMAIN for unknown names, NODATA for known names of another type, NOTIMP for other opcodes', () => {
  const table = new RouteTable();
  table.set({ port: 8100, deploymentId: 'dep001', upstreams: [{ host: '10.1.2.3', port: 3000 }], revision: 1 });
  const zone = new DnsZone(table);
  assert.is(ask(zone, { type: 'SRV', name: routeName(8101) }).rcode, 'NXDOMAIN');
  assert.is(ask(zone, { type: 'A', name: 'example.com' }).rcode, 'NXDOMAIN');
  assert.is(ask(zone, { type: 'A', name: 'r8100.route.compartment.internal.evil' }).rcode, 'NXDOMAIN');
  const nodata = ask(zone, { type: 'AAAA', name: upstreamName('dep001') });
  assert.equal([nodata.rcode, nodata.answers?.length], ['NOERROR', 0]);
  const a = ask(zone, { type: 'A', name: upstreamName('dep001') });
  assert.equal(a.answers?.map(dataOf), ['10.1.2.3']);
  const notify = ask(zone, { type: 'SRV', name: routeName(8100) }, { flags: 4 << 11 });
  assert.is(notify.rcode, 'NOTIMP');
});

test('EDNS: the answer echoes an OPT record and may use up to 1232 bytes over UDP', () => {
  const table = new RouteTable();
  const upstreams = Array.from({ length: 10 }, (_, i) => ({ host: '127.0.0.1', port: 7000 + i }));
  table.set({ port: 8100, deploymentId: 'dep001', upstreams, revision: 1 });
  const zone = new DnsZone(table);
  const opt: dnsPacket.OptAnswer = {
    type: 'OPT',
    name: '.',
    udpPayloadSize: 1232,
    extendedRcode: 0,
    ednsVersion: 0,
    flags: 0,
    flag_do: false,
    options: [],
  };
  const edns = ask(zone, { type: 'SRV', name: routeName(8100) }, { additionals: [opt] });
  assert.not.ok(edns.flag_tc);
  assert.is(edns.answers?.length, 10);
  assert.ok(edns.additionals?.some((r) => r.type === 'OPT'));
  const classic = ask(zone, { type: 'SRV', name: routeName(8100) });
  assert.ok(classic.flag_tc, 'ten upstreams do not fit 512 bytes');
});

test('a retired upstream name resolves until its retention ends; a route with no upstreams answers empty', () => {
  let now = 1_000;
  const table = new RouteTable();
  const zone = new DnsZone(table, { retainMs: 500, now: () => now });
  table.set({ port: 8100, deploymentId: 'old001', upstreams: [{ host: '10.0.0.1', port: 1 }], revision: 1 });
  table.set({ port: 8100, deploymentId: null, upstreams: [], revision: 2 });
  const empty = ask(zone, { type: 'SRV', name: routeName(8100) });
  assert.equal([empty.rcode, empty.answers?.length], ['NOERROR', 0]);
  now += 499;
  assert.equal(zone.lookup(upstreamName('old001')), { kind: 'upstream', host: '10.0.0.1' });
  now += 2;
  assert.equal(zone.lookup(upstreamName('old001')), { kind: 'unknown' });
  table.set({ port: 8100, deploymentId: 'old001', upstreams: [{ host: '10.0.0.2', port: 1 }], revision: 3 });
  assert.equal(
    zone.lookup(`${upstreamName('old001')}.`),
    { kind: 'upstream', host: '10.0.0.2' },
    'back in the table: current wins',
  );
  zone.close();
});

test.run();
