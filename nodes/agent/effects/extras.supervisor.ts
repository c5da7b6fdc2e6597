// Keeps the remote instances of an active set serving: restarts one that exited on its node, and when its node is
// gone takes it out of the route at once and re-places it on another live node, reporting the set each time.
import { setTimeout as sleep } from 'node:timers/promises';
import { probeUntil } from '../../../packages/probes/index.js';
import { wantedInstances, type DeploymentSpec, type WorkloadRef } from '../../../machines/deployment/index.js';
import type { Report } from './effect-kit.js';
import { now } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';
import { STATUS_TIMEOUT_MS, isExtra, placeExtras, startExtra, stopExtra } from './instance-set.js';
import { errorText } from '../../../packages/protocol/index.js';

/** How often each remote instance is asked whether it runs. */
const CHECK_EVERY_MS = 500;
/** A node that failed a question is not given a re-placed instance for this long (its heartbeat may not have expired yet). */
const SUSPECT_MS = 10_000;
/**
 * After a scale-down's route write is confirmed, how long requests already sent to a removed instance get before its
 * graceful stop begins (the stop itself waits for the app to finish what it has, up to the service's stop grace).
 */
const SCALE_DOWN_SETTLE_MS = 1_000;

export interface ExtrasControl {
  /** The set as it serves now (the health supervisor probes it). */
  current(): readonly WorkloadRef[];
  /** Restarts a remote instance on its node and port, between checks (a status question during its stop would time out). */
  restart(w: WorkloadRef): Promise<void>;
}

export function superviseExtras(
  deps: EffectDeps,
  spec: DeploymentSpec,
  initial: readonly WorkloadRef[],
  report: Report,
  signal: AbortSignal,
): ExtrasControl {
  const nodes = deps.nodes;
  let set = [...initial];
  let timer: NodeJS.Timeout | undefined;
  const suspects = new Map<string, number>();
  const restarts = new Map<string, { w: WorkloadRef; done: () => void }>();
  const suspect = (nodeId: string) => suspects.set(nodeId, Date.now() + SUSPECT_MS);
  signal.addEventListener('abort', () => clearTimeout(timer));

  const publish = async (next: WorkloadRef[], why: string) => {
    set = next;
    deps.event(spec, `${why}; ${next.length}/${wantedInstances(spec)} instances serving`);
    // The route first: every edge stops (or starts) dialling it at once; then the machine's count and health.
    await deps.router
      .setUpstreams(spec, next)
      .catch((e) => deps.warn(`could not rewrite the upstreams of ${spec.id}`, e));
    if (!signal.aborted) report({ type: 'instances.serving', at: now(), instances: next });
  };

  /** Brings a new instance up on a live node without one, and adds it once it passes readiness. */
  const replace = async () => {
    const taken = new Set(set.map((w) => w.nodeId ?? ''));
    for (const [nodeId, until] of suspects) if (until > Date.now()) taken.add(nodeId);
    const [target] = placeExtras(nodes, { ...spec, instances: wantedInstances(spec) - set.length + 1 }, taken);
    if (!target) return;
    try {
      const w = await startExtra(nodes, spec, target);
      const readiness = spec.service.readiness;
      if (readiness) {
        const result = await probeUntil({
          readiness,
          target: deps.runtime(spec.runtime).probeTarget(spec, w),
          deadline: new Date(Date.now() + readiness.timeoutMs),
          signal,
        });
        if (result !== 'passed') {
          await stopExtra(nodes, spec, target).catch(() => undefined);
          return deps.event(spec, `re-placed instance on ${target} did not become ready (${result})`);
        }
      }
      if (!signal.aborted) await publish([...set, w], `instance re-placed on ${target}`);
    } catch (error) {
      suspect(target);
      deps.event(spec, `could not re-place an instance on ${target}: ${errorText(error)}`);
    }
  };

  const checkOne = async (w: WorkloadRef) => {
    const nodeId = w.nodeId!;
    if (!nodes.isLive(nodeId))
      return (
        suspect(nodeId),
        publish(
          set.filter((x) => x !== w),
          `node ${nodeId} is lost: its instance left the route`,
        )
      );
    try {
      const status = await nodes.call(nodeId, { id: spec.id, op: 'status' }, STATUS_TIMEOUT_MS);
      if (status.running) return;
      // Exited on a live node: started again there on the port the route names.
      const again = await startExtra(nodes, spec, nodeId, w.port);
      deps.event(spec, `instance on ${nodeId} exited; restarted (${again.ref})`);
      if (again.ref !== w.ref) set = set.map((x) => (x === w ? again : x));
    } catch (error) {
      suspect(nodeId);
      // Not answering is how a frozen node looks before its heartbeat expires: out of the route now, back if it returns.
      await publish(
        set.filter((x) => x !== w),
        `instance on ${nodeId} did not answer (${errorText(error)}): it left the route`,
      );
    }
  };

  /** Scaled down: the surplus instances leave the route first (every edge confirms), then stop gracefully. */
  const shrink = async () => {
    const wanted = wantedInstances(spec);
    const ordered = [...set.filter((w) => !isExtra(nodes, w)), ...set.filter((w) => isExtra(nodes, w))];
    const keep = ordered.slice(0, wanted);
    const drop = ordered.slice(wanted);
    await publish(keep, `scaled to ${wanted}: ${drop.length} instance(s) left the route`);
    await sleep(SCALE_DOWN_SETTLE_MS);
    await Promise.allSettled(drop.map((w) => stopExtra(nodes, spec, w.nodeId!)));
  };

  const restartAsked = async () => {
    for (const [key, { w, done }] of restarts) {
      restarts.delete(key);
      const current = set.find((x) => x.nodeId === w.nodeId && x.port === w.port);
      try {
        if (current) {
          await stopExtra(nodes, spec, current.nodeId!);
          const again = await startExtra(nodes, spec, current.nodeId!, current.port);
          set = set.map((x) => (x === current ? again : x));
        }
      } catch (error) {
        deps.event(spec, `could not restart the instance on ${w.nodeId}: ${errorText(error)}`);
      }
      done();
    }
  };

  const tick = async () => {
    await restartAsked();
    if (set.length > wantedInstances(spec)) await shrink();
    for (const w of set.filter((x) => isExtra(nodes, x))) {
      if (signal.aborted) return;
      await checkOne(w);
    }
    if (!signal.aborted && set.length < wantedInstances(spec)) await replace();
    if (!signal.aborted) timer = setTimeout(() => void tick(), CHECK_EVERY_MS);
  };
  // Started short (fewer live nodes than instances, or restored after a loss): the machine hears so at once.
  if (set.length < wantedInstances(spec)) report({ type: 'instances.serving', at: now(), instances: set });
  timer = setTimeout(() => void tick(), CHECK_EVERY_MS);
  return {
    current: () => set,
    restart: (w) => new Promise<void>((done) => restarts.set(`${w.nodeId}:${w.port}`, { w, done })),
  };
}
