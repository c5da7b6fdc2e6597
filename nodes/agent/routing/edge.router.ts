// Moves traffic by evidence: a compare-and-swap route write the edges confirm, and drains the edges report empty.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompartmentError,
  isRoutable,
  keys,
  type DeploymentRecord,
  type EdgeState,
  type RouteRecord,
  errorText,
} from '../../../packages/protocol/index.js';
import {
  isHandover,
  isInFlight,
  type DeploymentSpec,
  type PreviousRef,
  type WorkloadRef,
} from '../../../machines/deployment/index.js';
import type { RouteStore } from '../../../cluster/routes/index.js';
import { retryOnConflict } from '../../../cluster/kv/index.js';
import { isTransient, retryTransient } from '../../shared/retry.js';
import type { Router } from '../effects/index.js';

/** How long a switch waits for edges to confirm before it proceeds on the KV write alone (and says so). */
const EDGE_CONFIRM_MS = 10_000;
/** Longest wait for another deployment's switch and drain (the longest drain timeout allowed, plus margin). */
const OTHER_SWITCH_MAX_MS = 3_600_000 + 120_000;
/** Pause between polls of the edges while a route write reaches them (the KV watch takes a few ms). */
const CONFIRM_POLL_MS = 5;
/** Shortest and longest pause between a drain's polls of the edges (each poll asks every edge's Caddy). */
const DRAIN_POLL_MS = 5;
const DRAIN_POLL_MAX_MS = 25;
/** Compare-and-swap route writes lost in a row before the switch gives up. */
const MAX_ROUTE_CONFLICTS = 50;

/** Everything the router touches outside itself, injected: the agent passes the KV store and NATS, tests pass fakes. */
export interface RouterDeps {
  routes: Pick<RouteStore, 'get' | 'put' | 'claimPort'>;
  /** Asks every edge for its state, waiting for up to `expected` answers. */
  edgeStates(expected: number): Promise<EdgeState[]>;
  routePorts: number[];
  /** The latest record of a deployment (live if hosted here). */
  recordOf(id: string): Promise<DeploymentRecord | null>;
  /** The workload a deployment runs (from its persisted context). */
  workloadOf(id: string): Promise<WorkloadRef | null>;
  /** How many edges are live: a switch is confirmed only when that many have applied it. */
  expectedEdges(): number;
  event(spec: DeploymentSpec, text: string): void;
}

const upstreamsOf = (instances: readonly WorkloadRef[]) =>
  instances.filter((w) => w.port !== null).map((w) => ({ host: w.host, port: w.port!, nodeId: w.nodeId }));

/** Every live edge answered (at least one) and each serves `revision` or a later one of the route `key`. */
function appliedEverywhere(states: EdgeState[], expected: number, key: string, revision: number): boolean {
  return (
    states.length > 0 &&
    states.length >= expected &&
    states.every((s) => (s.routes.find((r) => r.key === key)?.revision ?? 0) >= revision)
  );
}

/**
 * How much longer `edge` may send new requests to `id`: its responder's evidence (see the edge's AnswerLog), or for
 * an edge that predates that evidence, one refresh from the drain's start.
 */
function heldFor(edge: EdgeState, id: string, waitedMs: number): number {
  if (!edge.retiring) return Math.max(0, edge.refreshMs - waitedMs);
  return Math.max(
    0,
    ...edge.retiring.filter((r) => r.deploymentId === id || r.deploymentId === null).map((r) => r.heldForMs),
  );
}

export class EdgeRouter implements Router {
  constructor(private readonly deps: RouterDeps) {}

  /** Route writes are desired state: a cluster briefly unreachable delays the switch, it does not fail it. */
  switchTo(spec: DeploymentSpec, instances: readonly WorkloadRef[]): Promise<{ previous: PreviousRef | null }> {
    return retryTransient(
      () => this.trySwitch(spec, instances),
      120_000,
      (e) => this.deps.event(spec, `route switch waiting for the cluster: ${errorText(e)}`),
    );
  }

  /** One compare-and-swap write of the set's upstreams, only while the route still points at `spec`; edges confirm it. */
  async setUpstreams(spec: DeploymentSpec, instances: readonly WorkloadRef[]): Promise<boolean> {
    const routable = isRoutable(spec.serviceType);
    return retryOnConflict(
      MAX_ROUTE_CONFLICTS,
      `the route of ${spec.serviceName} kept changing while its upstreams were rewritten`,
      async () => {
        const current = await retryTransient(() => this.deps.routes.get(spec.environmentName, spec.serviceName));
        if (!current || current.route.deploymentId !== spec.id) return false;
        if (!routable) return true;
        const next: RouteRecord = {
          ...current.route,
          upstreams: upstreamsOf(instances),
          updatedAt: new Date().toISOString(),
        };
        const revision = await this.deps.routes.put(next, current.revision);
        // No drain follows a set's change: wait out Caddy's refresh so the new set serves when this returns.
        await this.confirm(spec, revision, true);
        return true;
      },
    );
  }

  private async trySwitch(
    spec: DeploymentSpec,
    instances: readonly WorkloadRef[],
  ): Promise<{ previous: PreviousRef | null }> {
    const routable = isRoutable(spec.serviceType);
    const waitUntil = Date.now() + OTHER_SWITCH_MAX_MS;
    for (let conflicts = 0; ; ) {
      const current = await this.deps.routes.get(spec.environmentName, spec.serviceName);
      if (current?.route.deploymentId === spec.id) {
        // Re-run after a restore: already switched; make sure the edges serve it and answer as before.
        if (routable) await this.confirm(spec, current.revision);
        return { previous: await this.previousRef(current.route.previousId) };
      }
      if (spec.replaces && current?.route.deploymentId !== spec.replaces) {
        // A re-placement of a lost deployment is moot once something else serves the service.
        throw new CompartmentError(
          'CONFLICT',
          `${spec.serviceName} is served by ${current?.route.deploymentId ?? 'nothing'} now, not ${spec.replaces}; this re-placement is not needed`,
        );
      }
      if (current?.route.deploymentId && (await this.stillSwitching(current.route.deploymentId))) {
        // One already switching or draining finishes first: two switches in flight could leave two active.
        // Bounded: a record left stale in switching_route must not hold every later deploy forever.
        if (Date.now() > waitUntil) {
          throw new CompartmentError(
            'TIMEOUT',
            `deployment ${current.route.deploymentId} has been switching or draining for over ${OTHER_SWITCH_MAX_MS} ms; not switching past it`,
          );
        }
        await sleep(50);
        continue;
      }
      const port = routable
        ? await this.deps.routes.claimPort(spec.environmentName, spec.serviceName, this.deps.routePorts)
        : null;
      const next: RouteRecord = {
        environmentName: spec.environmentName,
        serviceName: spec.serviceName,
        port,
        deploymentId: spec.id,
        // The whole set in this one write: every edge moves from the previous set to this one at once.
        upstreams: routable ? upstreamsOf(instances) : [],
        previousId: current?.route.deploymentId ?? null,
        updatedAt: new Date().toISOString(),
        // Domains are the route's, set by deploy: a switch (or rollback) moves traffic, never names.
        ...(current?.route.domains ? { domains: current.route.domains, domainsAt: current.route.domainsAt } : {}),
      };
      let revision: number;
      try {
        revision = await this.deps.routes.put(next, current?.revision ?? null);
      } catch (error) {
        if (!(error instanceof CompartmentError && error.code === 'CONFLICT')) throw error;
        if (++conflicts >= MAX_ROUTE_CONFLICTS)
          throw new CompartmentError(
            'CONFLICT',
            `the route of ${spec.serviceName} changed under ${conflicts} switch attempts in a row`,
          );
        continue;
      }
      if (routable) await this.confirm(spec, revision);
      return { previous: await this.previousRef(next.previousId) };
    }
  }

  async drain(
    spec: DeploymentSpec,
    previous: PreviousRef,
    timeoutMs: number,
  ): Promise<{ drained: boolean; inFlight: number; waitedMs: number }> {
    const started = Date.now();
    if (!isRoutable(spec.serviceType)) return { drained: true, inFlight: 0, waitedMs: 0 };
    const key = keys.route(spec.environmentName, spec.serviceName);
    const switched = await retryTransient(() => this.deps.routes.get(spec.environmentName, spec.serviceName));
    for (;;) {
      const states = await this.edgeStatesOrNone();
      const inFlight = states.reduce(
        (n, s) => n + (s.inFlight.find((f) => f.deploymentId === previous.id)?.count ?? 0),
        0,
      );
      // An edge that has not applied the switch (its route watch lagging) still sends new requests to the previous one.
      const applied = appliedEverywhere(states, this.deps.expectedEdges(), key, switched?.revision ?? 0);
      const waitedMs = Date.now() - started;
      const heldMs = Math.max(0, ...states.map((s) => heldFor(s, previous.id, waitedMs)));
      // No edge can pick it any more (its DNS answers prove it) and none has a request on it: none is left.
      if (applied && inFlight === 0 && heldMs === 0) return { drained: true, inFlight, waitedMs };
      if (waitedMs >= timeoutMs) return { drained: false, inFlight, waitedMs };
      // Requests in flight end at their own pace; an answer Caddy still holds expires at a known time.
      await sleep(Math.min(Math.max(heldMs, DRAIN_POLL_MS), DRAIN_POLL_MAX_MS));
    }
  }

  /**
   * Waits until every edge has applied `revision` of the route (and with `settle`, one Caddy refresh more). A switch
   * does not settle: its drain waits for the edges' evidence that Caddy can no longer pick the previous deployment.
   */
  private async confirm(spec: DeploymentSpec, revision: number, settle = false): Promise<void> {
    const key = keys.route(spec.environmentName, spec.serviceName);
    const deadline = Date.now() + EDGE_CONFIRM_MS;
    while (Date.now() < deadline) {
      const states = await this.edgeStatesOrNone();
      if (appliedEverywhere(states, this.deps.expectedEdges(), key, revision)) {
        if (settle) await sleep(Math.max(...states.map((s) => s.refreshMs)) + 5);
        return;
      }
      await sleep(CONFIRM_POLL_MS);
    }
    this.deps.event(
      spec,
      `no edge confirmed route revision ${revision} within ${EDGE_CONFIRM_MS} ms; edges will apply it when they answer`,
    );
  }

  /** A NATS hiccup while asking the edges counts as no answer: the callers' own deadlines bound the wait. */
  private async edgeStatesOrNone(): Promise<EdgeState[]> {
    try {
      return await this.deps.edgeStates(this.deps.expectedEdges());
    } catch (error) {
      if (!isTransient(error)) throw error;
      await sleep(100);
      return [];
    }
  }

  private async stillSwitching(id: string): Promise<boolean> {
    const r = await this.deps.recordOf(id);
    // In flight is running here: a queued deployment is still building.
    return r !== null && isInFlight(r) && isHandover(r);
  }

  private async previousRef(id: string | null): Promise<PreviousRef | null> {
    return id ? { id, workload: await this.deps.workloadOf(id) } : null;
  }
}
