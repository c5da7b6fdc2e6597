// Health after the switch: probes every serving instance on the service's health check, reports the set's changes
// (healthy ↔ unhealthy), takes a failing instance out of the route while others serve, and restarts it.
import { setTimeout as sleep } from 'node:timers/promises';
import { probeOnce } from '../../../packages/probes/index.js';
import type { HealthCheckConfig } from '../../../packages/protocol/index.js';
import type { DeploymentSpec, WorkloadRef } from '../../../machines/deployment/index.js';
import { now, type Report } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';

/** The set as it serves now, and how to restart one of its instances (its supervisor starts it again on its port). */
export interface HealthTargets {
  current(): readonly WorkloadRef[];
  /** Known to be down and being restarted by its supervisor: not probed (the crash is already what the machine hears). */
  down(w: WorkloadRef): boolean;
  restart(w: WorkloadRef): Promise<void>;
}

type Check = Pick<
  HealthCheckConfig,
  'path' | 'tcp' | 'command' | 'intervalMs' | 'timeoutMs' | 'failureThreshold' | 'successThreshold'
>;

/** The service's health check: its own kind, or the readiness check's; null when there is nothing to probe. */
export function healthCheckOf(spec: DeploymentSpec): Check | null {
  const h = spec.service.health;
  const r = spec.service.readiness;
  const base = {
    intervalMs: h?.intervalMs ?? 5_000,
    timeoutMs: h?.timeoutMs ?? 2_000,
    failureThreshold: h?.failureThreshold ?? 3,
    successThreshold: h?.successThreshold ?? 1,
  };
  if (h && (h.path !== undefined || h.tcp !== undefined || h.command !== undefined))
    return { ...base, path: h.path, tcp: h.tcp, command: h.command };
  if (r) return { ...base, path: r.path, tcp: r.tcp, command: r.command };
  return null;
}

const keyOf = (w: WorkloadRef) => `${w.nodeId ?? ''}|${w.host}:${w.port ?? ''}`;
/** Without readiness, how long a restarted instance's failures do not count until it passes once. */
const RESTART_GRACE_MS = 30_000;
/** Between an instance leaving the route and its restart (the scale-down settle time). */
const LEAVE_SETTLE_MS = 1_000;

export function superviseHealth(
  deps: EffectDeps,
  spec: DeploymentSpec,
  targets: HealthTargets,
  report: Report,
  signal: AbortSignal,
): void {
  const check = healthCheckOf(spec);
  if (!check) return;
  const kind = { path: check.path, tcp: check.tcp, command: check.command, attemptTimeoutMs: check.timeoutMs };
  const rt = deps.runtime(spec.runtime);
  // A restarted instance is started again by its supervisor (a remote one after up to a few seconds): its failures count
  // only once it has passed, or after the readiness timeout, as a candidate's would.
  const graceMs = spec.service.readiness?.timeoutMs ?? RESTART_GRACE_MS;
  const state = new Map<string, { failures: number; passes: number; unhealthy: boolean; graceUntil: number }>();
  let setFailing = false;
  let timer: NodeJS.Timeout | undefined;
  signal.addEventListener('abort', () => clearTimeout(timer));

  /** True when the route was rewritten (a set of several). */
  const route = async (): Promise<boolean> => {
    const set = targets.current();
    if (set.length < 2) return false;
    // Left out of the route while unhealthy, unless none would remain: then all stay (a failing answer beats none).
    const serving = set.filter((w) => !state.get(keyOf(w))?.unhealthy);
    await deps.router
      .setUpstreams(spec, serving.length > 0 ? serving : set)
      .catch((e) => deps.warn(`could not rewrite the upstreams of ${spec.id}`, e));
    return true;
  };

  const probe = async (w: WorkloadRef) => {
    const s = state.get(keyOf(w)) ?? { failures: 0, passes: 0, unhealthy: false, graceUntil: 0 };
    state.set(keyOf(w), s);
    if (targets.down(w)) {
      s.failures = 0;
      return;
    }
    const a = await probeOnce(kind, rt.probeTarget(spec, w), { signal });
    if (signal.aborted) return;
    const where = targets.current().length > 1 ? ` on ${w.nodeId ?? 'instance'}` : '';
    if (a.ok) {
      s.graceUntil = 0;
      s.failures = 0;
      s.passes++;
      if (s.unhealthy && s.passes >= check.successThreshold) {
        s.unhealthy = false;
        deps.event(spec, `health check passes again${where}: ${a.detail}`);
        await route();
      }
      return;
    }
    s.passes = 0;
    if (Date.now() < s.graceUntil) return;
    s.failures++;
    if (s.failures < check.failureThreshold) return;
    // Failing `failureThreshold` times in a row (again, after a restart): out of the route, restarted, reported.
    const first = !s.unhealthy;
    s.unhealthy = true;
    s.failures = 0;
    s.graceUntil = Date.now() + graceMs;
    deps.event(
      spec,
      `health check failed ${check.failureThreshold} times in a row${where} (last: ${a.detail}); restarting it`,
    );
    // Out of the route first (every edge confirms), then the requests already sent to it get a moment, as on scale-down.
    if (first && (await route())) await sleep(LEAVE_SETTLE_MS);
    report({ type: 'health.failed', at: now(), detail: `${a.detail}`, nodeId: w.nodeId });
    await targets.restart(w).catch((e) => deps.warn(`could not restart the unhealthy instance of ${spec.id}`, e));
  };

  const tick = async () => {
    const set = targets.current();
    await Promise.all(set.map((w) => probe(w)));
    if (signal.aborted) return;
    // Forget instances that left the set (re-placed elsewhere): they must not hold the set unhealthy.
    const keys = new Set(set.map(keyOf));
    for (const k of state.keys()) if (!keys.has(k)) state.delete(k);
    const failing = [...state.values()].some((s) => s.unhealthy);
    if (setFailing && !failing) report({ type: 'health.passed', at: now() });
    setFailing = failing;
    timer = setTimeout(() => void tick(), check.intervalMs);
  };
  timer = setTimeout(() => void tick(), check.intervalMs);
}
