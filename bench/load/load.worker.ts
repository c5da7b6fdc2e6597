// The load process: autocannon with keep-alive connections and no retries, recording every failure and which version answered.
import autocannon from 'autocannon';
import { nowMs } from '../harness/index.js';
import { patchClient } from './client-patch.js';
import type {
  FailureBucket,
  FailureKind,
  FromWorker,
  LoadOptions,
  LoadReport,
  Segment,
  ToWorker,
} from './load.protocol.js';

const send = (m: FromWorker) => process.send?.(m);
const failures: FailureBucket[] = [];
const segments: Segment[] = [];
let responses = 0;
let ok2xx = 0;

function fail(kind: FailureKind, detail: string): void {
  const t = Math.floor(nowMs());
  const last = failures.at(-1);
  if (last && last[0] === t && last[1] === kind && last[2] === detail) last[3] += 1;
  else failures.push([t, kind, detail, 1]);
}

/** The app answers `version=<v> pid=<n>`; anything else is an unknown version. */
function versionOf(body: string): string {
  if (!body.startsWith('version=')) return '?';
  const end = body.indexOf(' ', 8);
  return body.slice(8, end < 0 ? undefined : end);
}

function answered(status: number, body: string): void {
  const t = nowMs();
  responses += 1;
  if (status < 200 || status > 299) return fail('non2xx', String(status));
  ok2xx += 1;
  const v = versionOf(body);
  const last = segments.at(-1);
  if (last && last.v === v) {
    last.last = t;
    last.n += 1;
  } else segments.push({ v, first: t, last: t, n: 1 });
  if (ok2xx === 1) send({ type: 'started' });
}

function start(o: LoadOptions): void {
  const startedAt = nowMs();
  const instance = autocannon(
    {
      url: o.url,
      connections: o.connections,
      pipelining: 1,
      duration: 3600,
      timeout: o.timeoutS,
      ...(o.servername ? { servername: o.servername } : {}),
      ...(o.host ? { headers: { host: o.host } } : {}),
      requests: [{ method: 'GET', onResponse: (status: number, body: string) => answered(status, body) }],
      setupClient: (client: unknown) => patchClient(client, fail),
    } as unknown as autocannon.Options,
    (error, r) => {
      if (error) {
        send({ type: 'error', message: error.message });
        process.exit(1);
      }
      const report: LoadReport = {
        url: o.url,
        connections: o.connections,
        startedAt,
        stoppedAt: nowMs(),
        responses,
        ok2xx,
        failures,
        segments,
        latencyMs: {
          p50: r.latency.p50,
          p90: r.latency.p90,
          p99: r.latency.p99,
          max: r.latency.max,
          mean: r.latency.mean,
        },
        autocannon: {
          errors: r.errors,
          timeouts: r.timeouts,
          non2xx: r.non2xx,
          sent: r.requests.sent,
          total: r.requests.total,
        },
      };
      send({ type: 'report', report });
      process.disconnect?.();
    },
  );
  process.on('message', (m: ToWorker) => {
    if (m.type === 'stop') instance.stop();
  });
}

process.once('message', (m: ToWorker) => {
  if (m.type === 'start') start(m.options);
});
// The bench going away must not leave load running.
process.on('disconnect', () => setTimeout(() => process.exit(0), 100));
