// One network probe attempt: it ends once, by its own verdict, a timeout, or an abort, and then releases its socket.
import type { ProbeVerdict } from './probe.types.js';

/**
 * `begin` starts the attempt with a `settle` to call, and returns how to release what it opened. `say` words the
 * detail (`GET /ready → timed out after 2000 ms`).
 */
export function oneAttempt(
  say: (what: string) => string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  begin: (settle: (v: ProbeVerdict) => void) => () => void,
): Promise<ProbeVerdict> {
  return new Promise((resolve) => {
    let settled = false;
    let release: (() => void) | null = null;
    const settle = (v: ProbeVerdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      release?.();
      resolve(v);
    };
    const timer = setTimeout(() => settle({ ok: false, detail: say(`timed out after ${timeoutMs} ms`) }), timeoutMs);
    const onAbort = () => settle({ ok: false, detail: say('aborted') });
    signal?.addEventListener('abort', onAbort, { once: true });
    const r = begin(settle);
    // It may have settled while starting (an abort already signalled): release at once then.
    if (settled) r();
    else release = r;
  });
}
