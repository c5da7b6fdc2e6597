// Turns one DNS query into its response from the zone (pure: no sockets), sized for the transport it came on.
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet, OptAnswer } from 'dns-packet';
import type { DnsZone } from './dns-zone.js';
import { recordTypeOf } from './dns-zone.js';

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
const CLASSIC_UDP_LIMIT = 512;
const OUR_UDP_LIMIT = 1232;

export interface AnswerOptions {
  /** TTL of every record; 0 so no cache between Caddy and the table ever holds a stale upstream. */
  ttl: number;
  transport: 'udp' | 'tcp';
  /** Told each SRV query before it is answered, and each deployment an SRV answer names (the drain's evidence). */
  log?: { query(): void; answered(deploymentId: string): void };
}

/** The encoded response to `query`, or null when the query is not worth answering (it is a response itself). */
export function answerQuery(query: DecodedPacket, zone: DnsZone, options: AnswerOptions): Buffer | null {
  if (query.type === 'response') return null;
  const opt = query.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
  const response: Packet = {
    type: 'response',
    id: query.id,
    // Authoritative: Go's resolver treats a non-authoritative, non-recursive empty answer as a lame referral.
    flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED),
    questions: query.questions ?? [],
    answers: [],
    additionals: opt
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: OUR_UDP_LIMIT,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [],
  };
  const opcode = ((query.flags ?? 0) >> 11) & 0xf;
  const question = query.questions?.[0];
  if (opcode !== 0) return encode(response, RCODE.NOTIMP, options, opt);
  if (!question || (query.questions?.length ?? 0) !== 1) return encode(response, RCODE.FORMERR, options, opt);

  const srv = question.type === 'SRV' || (question.type as string) === 'ANY';
  if (srv) options.log?.query();
  const found = zone.lookup(question.name);
  if (found.kind === 'unknown') return encode(response, RCODE.NXDOMAIN, options, opt);
  const ttl = options.ttl;
  if (found.kind === 'route') {
    if (srv) {
      if (found.deploymentId !== null && found.targets.length > 0) options.log?.answered(found.deploymentId);
      for (const t of found.targets) {
        response.answers!.push({
          type: 'SRV',
          name: question.name,
          ttl,
          data: { priority: 0, weight: 1, port: t.port, target: t.target },
        });
      }
      // The target's address rides along as a courtesy; Go ignores it and asks for the target separately.
      const seen = new Set<string>();
      for (const t of found.targets) {
        if (seen.has(t.target)) continue;
        seen.add(t.target);
        response.additionals!.push(addressRecord(t.target, t.host, ttl));
      }
    }
    return encode(response, RCODE.NOERROR, options, opt);
  }
  const wanted = recordTypeOf(found.host);
  if (question.type === wanted || (question.type as string) === 'ANY')
    response.answers!.push(addressRecord(question.name, found.host, ttl));
  return encode(response, RCODE.NOERROR, options, opt);
}

function addressRecord(name: string, host: string, ttl: number): Answer {
  return { type: recordTypeOf(host), name, ttl, data: host };
}

/** Encodes with the rcode; over UDP, drops the courtesy records first and then truncates (TC) to fit. */
function encode(response: Packet, rcode: number, options: AnswerOptions, opt: OptAnswer | undefined): Buffer {
  response.flags = ((response.flags ?? 0) & ~0xf) | rcode;
  if (options.transport === 'tcp') return dnsPacket.encode(response);
  const limit = opt ? Math.max(CLASSIC_UDP_LIMIT, Math.min(opt.udpPayloadSize, OUR_UDP_LIMIT)) : CLASSIC_UDP_LIMIT;
  if (dnsPacket.encodingLength(response) <= limit) return dnsPacket.encode(response);
  response.additionals = (response.additionals ?? []).filter((a) => a.type === 'OPT');
  if (dnsPacket.encodingLength(response) <= limit) return dnsPacket.encode(response);
  response.flags |= dnsPacket.TRUNCATED_RESPONSE;
  while ((response.answers?.length ?? 0) > 0 && dnsPacket.encodingLength(response) > limit) response.answers!.pop();
  return dnsPacket.encode(response);
}
