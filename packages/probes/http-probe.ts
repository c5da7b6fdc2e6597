// HTTP readiness: GET a path on host:port; any 2xx passes. The detail reads like `GET /ready → 200 OK`.
import { request, STATUS_CODES } from 'node:http';
import { describeError, type ProbeVerdict } from './probe.types.js';
import { oneAttempt } from './one-attempt.js';

export function httpProbe(
  path: string,
  host: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeVerdict> {
  const say = (what: string) => `GET ${path} → ${what}`;
  return oneAttempt(say, timeoutMs, signal, (settle) => {
    // agent: false: every attempt is a fresh connection, as a restarted app would see it.
    const req = request({
      host,
      port,
      path,
      method: 'GET',
      agent: false,
      headers: { 'user-agent': 'compartment-probe' },
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      settle({
        ok: status >= 200 && status < 300,
        detail: say(`${status} ${STATUS_CODES[status] ?? res.statusMessage ?? ''}`.trim()),
      });
    });
    req.on('error', (error) => settle({ ok: false, detail: say(describeError(error)) }));
    req.end();
    return () => req.destroy();
  });
}
