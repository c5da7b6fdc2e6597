// "What dominates": short findings computed from the results, so they stay true when the numbers change.
import { EDGE_DEFAULTS } from '../../packages/edge/index.js';
import { DEFAULT_BATCHER_OPTIONS } from '../../cluster/index.js';
import type { ContenderReport } from '../scenarios/index.js';
import { dataOf, type Results } from './load-results.js';
import { ms, num } from './markdown.js';

const KINDS: Record<string, string> = {
  'socket:ECONNRESET': 'connections reset with a request on them',
  'socket:ECONNREFUSED': 'connections refused while nothing listened',
  'closed:EOF': 'connections closed by the server while a request waited on them',
  timeout: 'requests with no answer',
};

function describe(key: string): string {
  if (key.startsWith('non2xx:')) return `answers with status ${key.slice(7)}`;
  return KINDS[key] ?? KINDS[key.split(':')[0]!] ?? key;
}

function lost(c: ContenderReport): string {
  const kind = c.kinds[c.ops.find((o) => o.counted)?.kind ?? ''];
  if (c.error || !kind) return `${c.label}: did not complete`;
  if (c.totals.failed === 0) return `${c.label}: no failed request in ${c.replacements} replacements`;
  const top = Object.entries(c.totals.byDetail).sort((a, b) => b[1] - a[1])[0]!;
  const window = kind.failures.outageMs / Math.max(1, kind.n);
  return `${c.label}: ${num(kind.failed.p50)} failed requests per replacement (p50), mostly ${describe(top[0])}, over ${ms(window)} per replacement`;
}

export function findings(r: Results): string[] {
  const out: string[] = [];
  const rep = dataOf(r.replacements);
  if (rep) out.push(`Lost requests — ${rep.contenders.map(lost).join('; ')}.`);
  const oh = dataOf(r.overhead);
  if (oh) {
    const top = Object.entries(oh.compartment.phasesP50Ms)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .slice(0, 3);
    const floor = oh.floors
      ? ` Starting the CLI at all (\`compartment --help\`: Node plus loading the CLI bundle with its V8 code cache) takes ${ms(oh.floors.cliHelpMs.p50)} of the first part.`
      : '';
    out.push(
      `Deploy overhead ${ms(oh.compartment.overheadMs.p50)} p50; the largest parts: ${top.map(([k, v]) => `${k} ${ms(v)}`).join(', ')}.${floor}`,
    );
  }
  const deploy = rep?.contenders.find((c) => c.name === 'compartment-deploy')?.kinds.deploy;
  if (deploy) {
    out.push(
      `Switch latency ${ms(deploy.toFirstNewMs.p50)} p50 to the first answer from the new version: the edge's Caddy re-resolves its SRV upstream every ${EDGE_DEFAULTS.refreshMs} ms, and the route write reaches the edge's DNS responder through a KV watch first (about 2 ms); under load the first answer also waits its turn behind the requests already queued. The drain no longer relies on a time margin: it ends when each edge's DNS responder has seen a lookup after its last answer naming the previous version, one refresh ago (Caddy dates an answer when its lookup completes, one lookup at a time), and nothing is in flight to it. Each route receiving requests costs one lookup per refresh through Caddy's single lookup lock.`,
    );
  }
  const cp = dataOf(r.controlPlane);
  if (cp) {
    const v = cp.replyValidationMs;
    out.push(
      `\`status\` slows with the size of its reply, not with the records held: the agent answers from the reply it serialized last until a record changes, so what remains is moving and parsing bytes. Plain \`compartment status\` asks for table rows: ${cp.environment.replyRecords} rows (${num(cp.environment.replyBytes)} bytes) → ${num(cp.environment.rps)} req/s` +
        (cp.environmentFull
          ? `; the same as whole records (\`status --json\`, ${num(cp.environmentFull.replyBytes)} bytes) → ${num(cp.environmentFull.rps)} req/s`
          : '') +
        `; one service (${num(cp.service.replyBytes)} bytes) → ${num(cp.service.rps)} req/s, all picked from the same ${num(cp.records)} records.` +
        (v
          ? ` Validating one reply against the protocol schema, which every client does with each answer, takes ${ms(v.environment)} for the rows${v.environmentFull !== undefined ? ` and ${ms(v.environmentFull)} for whole records` : ''}.`
          : ''),
    );
  }
  const den = dataOf(r.density);
  if (den) {
    const bare = den.growth.bareHeapKbPerActor;
    out.push(
      den.create.awakeActors !== undefined
        ? `Each hosted deployment costs ${den.growth.heapKbPerActor} kB of heap once serving: it sleeps (its record and its running supervision, no XState actor; ${num(den.create.awakeActors)} of ${num(den.actors)} awake at the end), where a live XState actor alone takes ${bare} kB; an event for it wakes the actor from its stored snapshot. RSS grows by ${den.growth.afterCreate.rssMb} MB in all.`
        : `Each hosted actor costs ${den.growth.heapKbPerActor} kB of heap${bare ? `, of which ${bare} kB is the XState actor itself (started with no host around it: its own actor system, the invoked supervise effect, its context)` : ''}; RSS grows by ${den.growth.afterCreate.rssMb} MB in all.`,
    );
  }
  const logs = dataOf(r.logs);
  if (logs) {
    out.push(
      `Log lines flow at ${num(logs.linesPerSecond)} lines/s from the app's stdout file to the stream; \`logs --follow\` shows a new line after ${ms(logs.follow.delayMs.p50)} p50. The publisher sends a line at once when its deployment has no publish in flight, and batches what arrives during a publish (up to ${DEFAULT_BATCHER_OPTIONS.flushMs} ms only while publishes are busy).`,
    );
  }
  const fo = dataOf(r.failover);
  if (fo) {
    out.push(
      `A node lost: SIGKILLed, it is back (restarted by \`up\`, its workload restarted by the restored actor) after ${ms(fo.killed.servingAgainMs)}; frozen (nothing restarts it), the service serves from ${fo.frozen.serving.nodeId ?? 'another node'} after ${ms(fo.frozen.servingAgainMs)}, most of it the wait until the cluster declares the silent node lost.`,
    );
  }
  return out;
}
