// Keeps the remote instances of an active set serving: restarts one that exited on its node, and when its node is
// gone takes every instance it held out of the route at once and re-places them, reporting the set each time.
import { setTimeout as sleep } from 'node:timers/promises';
import { probeUntil } from '../../../packages/probes/index.js';
import { wantedInstances, type DeploymentSpec, type WorkloadRef } from '../../../machines/deployment/index.js';
import type { Report } from './effect-kit.js';
import { now } from './effect-kit.js';
import type { EffectDeps } from './effect-deps.js';
import { instanceStatus, isExtra, placeExtras, startExtra, stopExtra, whereOf } from './instance-set.js';
import { surplusInstances } from '../planning/instances.plan.js';
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

  /** Brings the missing instances up on the least-loaded live nodes, and adds those that pass readiness in one write. */
  const replace = async () => {
    const suspected = new Set([...suspects].filter(([, until]) => until > Date.now()).map(([n]) => n));
    const places = placeExtras(nodes, spec, set, suspected);
    const started = await Promise.all(
      places.map(async (place) => {
        try {
          const w = await startExtra(nodes, spec, place);
          const readiness = spec.service.readiness;
          if (readiness) {
            const result = await probeUntil({
              readiness,
              target: deps.runtime(spec.runtime).probeTarget(spec, w),
              deadline: new Date(Date.now() + readiness.timeoutMs),
              signal,
            });
            if (result !== 'passed') {
              await stopExtra(nodes, spec, place).catch(() => undefined);
              deps.event(spec, `re-placed instance on ${whereOf(place)} did not become ready (${result})`);
              return null;
            }
          }
          return w;
        } catch (error) {
          suspect(place.nodeId);
          deps.event(spec, `could not re-place an instance on ${whereOf(place)}: ${errorText(error)}`);
          return null;
        }
      }),
    );
    const ready = started.filter((w): w is WorkloadRef => w !== null);
    if (ready.length > 0 && !signal.aborted)
      await publish([...set, ...ready], `instance(s) re-placed on ${ready.map(whereOf).join(', ')}`);
  };

  /** A restarted instance keeps its place in the set with its new identity and one more restart; the machine hears. */
  const restarted = (w: WorkloadRef, again: WorkloadRef) => {
    const next = { ...again, ...(w.slot !== undefined ? { slot: w.slot } : {}), restarts: (w.restarts ?? 0) + 1 };
    set = set.map((x) => (x === w ? next : x));
    if (!signal.aborted) report({ type: 'instances.serving', at: now(), instances: set });
  };

  const checkOne = async (w: WorkloadRef) => {
    const nodeId = w.nodeId!;
    if (!set.includes(w)) return;
    if (!nodes.isLive(nodeId)) {
      suspect(nodeId);
      // Every instance the lost node held leaves the route in the same write.
      return publish(
        set.filter((x) => x.nodeId !== nodeId || !isExtra(nodes, x)),
        `node ${nodeId} is lost: its instance(s) left the route`,
      );
    }
    try {
      if (await instanceStatus(nodes, spec, w)) return;
      // Exited on a live node: started again there on the port the route names.
      const again = await startExtra(
        nodes,
        spec,
        { nodeId, ...(w.slot !== undefined ? { slot: w.slot } : {}) },
        w.port,
      );
      deps.event(spec, `instance on ${whereOf(w)} exited; restarted (${again.ref})`);
      if (again.ref !== w.ref) restarted(w, again);
    } catch (error) {
      suspect(nodeId);
      // Not answering is how a frozen node looks before its heartbeat expires: out of the route now, back if it returns.
      await publish(
        set.filter((x) => x.nodeId !== nodeId || !isExtra(nodes, x)),
        `instance on ${whereOf(w)} did not answer (${errorText(error)}): the node's instance(s) left the route`,
      );
    }
  };

  /** Scaled down: the surplus instances (from the most loaded nodes) leave the route first, then stop gracefully. */
  const shrink = async () => {
    const wanted = wantedInstances(spec);
    const places = set.map((w) => ({ w, nodeId: w.nodeId ?? '', slot: isExtra(nodes, w) ? (w.slot ?? 1) : 0 }));
    const drop = surplusInstances(places, wanted).map((p) => p.w);
    const keep = set.filter((w) => !drop.includes(w));
    await publish(keep, `scaled to ${wanted}: ${drop.length} instance(s) left the route`);
    await sleep(SCALE_DOWN_SETTLE_MS);
    await Promise.allSettled(drop.map((w) => stopExtra(nodes, spec, w)));
  };

  const restartAsked = async () => {
    for (const [key, { w, done }] of restarts) {
      restarts.delete(key);
      const current = set.find((x) => x.nodeId === w.nodeId && x.port === w.port);
      try {
        if (current) {
          await stopExtra(nodes, spec, current);
          const place = { nodeId: current.nodeId!, ...(current.slot !== undefined ? { slot: current.slot } : {}) };
          restarted(current, await startExtra(nodes, spec, place, current.port));
        }
      } catch (error) {
        deps.event(spec, `could not restart the instance on ${whereOf(w)}: ${errorText(error)}`);
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
