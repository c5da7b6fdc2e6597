// TCP readiness: a connect to host:port succeeds. The detail reads like `tcp 127.0.0.1:4000 → connected`.
import { connect } from 'node:net';
import { describeError, type ProbeVerdict } from './probe.types.js';

export function tcpProbe(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeVerdict> {
  const say = (what: string) => `tcp ${host.includes(':') ? `[${host}]` : host}:${port} → ${what}`;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (v: ProbeVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(v);
    };
    const socket = connect({ host, port });
    const timer = setTimeout(() => settle({ ok: false, detail: say(`timed out after ${timeoutMs} ms`) }), timeoutMs);
    const onAbort = () => settle({ ok: false, detail: say('aborted') });
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => settle({ ok: true, detail: say('connected') }));
    socket.once('error', (error) => settle({ ok: false, detail: say(describeError(error)) }));
  });
}
