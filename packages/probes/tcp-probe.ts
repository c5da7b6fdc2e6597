// TCP readiness: a connect to host:port succeeds. The detail reads like `tcp 127.0.0.1:4000 → connected`.
import { connect } from 'node:net';
import { describeError, type ProbeVerdict } from './probe.types.js';
import { oneAttempt } from './one-attempt.js';

export function tcpProbe(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeVerdict> {
  const say = (what: string) => `tcp ${host.includes(':') ? `[${host}]` : host}:${port} → ${what}`;
  return oneAttempt(say, timeoutMs, signal, (settle) => {
    const socket = connect({ host, port });
    socket.once('connect', () => settle({ ok: true, detail: say('connected') }));
    socket.once('error', (error) => settle({ ok: false, detail: say(describeError(error)) }));
    return () => socket.destroy();
  });
}
