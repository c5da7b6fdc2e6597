// One readiness attempt of whichever kind the service configures, timed and stamped.
import type { ReadinessConfig } from '../protocol/index.js';
import { httpProbe } from './http-probe.js';
import { tcpProbe } from './tcp-probe.js';
import { commandProbe } from './command-probe.js';
import type { ProbeAttempt, ProbeTarget, ProbeVerdict } from './probe.types.js';

type ReadinessKind = Pick<ReadinessConfig, 'path' | 'tcp' | 'command' | 'attemptTimeoutMs'>;

/**
 * Never throws: every failure is a failed attempt with a detail. `timeoutMs` overrides the configured
 * per-attempt timeout (probeUntil shortens the last attempt to the deadline).
 */
export async function probeOnce(
  readiness: ReadinessKind,
  target: ProbeTarget,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<ProbeAttempt> {
  const at = new Date();
  const started = performance.now();
  const verdict = await attempt(
    readiness,
    target,
    Math.max(1, Math.round(opts.timeoutMs ?? readiness.attemptTimeoutMs)),
    opts.signal,
  );
  return {
    at: at.toISOString(),
    ok: verdict.ok,
    detail: verdict.detail,
    latencyMs: Math.round(performance.now() - started),
  };
}

function attempt(
  r: ReadinessKind,
  target: ProbeTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeVerdict> {
  if (r.command !== undefined) return commandProbe(r.command, target.cwd, target.env, timeoutMs, signal, target.user);
  if (target.port === null) {
    const what = r.path !== undefined ? `GET ${r.path}` : `tcp ${target.host}`;
    return Promise.resolve({ ok: false, detail: `${what} → the workload has no port` });
  }
  if (r.path !== undefined) return httpProbe(r.path, target.host, target.port, timeoutMs, signal);
  if (r.tcp === true) return tcpProbe(target.host, target.port, timeoutMs, signal);
  return Promise.resolve({ ok: false, detail: 'readiness names no probe (path, tcp or command)' });
}
