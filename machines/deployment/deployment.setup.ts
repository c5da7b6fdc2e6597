// The deployment machine's setup: named effect slots (filled by nodes/ through .provide()), guards and actions.
import { setup, assign, enqueueActions, fromPromise, fromCallback } from 'xstate';
import { truncateText, type Stage, type Status } from '../../packages/protocol/index.js';
import { deadlineOf } from './deployment.deadline.js';
import { instancesOf, wantedInstances } from './deployment.types.js';
import { withinRevertWindow, healthRevertMessage, crashRevertMessage } from './deployment.revert.js';
import type {
  DeploymentContext,
  DeploymentEvent,
  DeploymentInput,
  RegionEvent,
  SpecInput,
  StopInput,
  WorkloadInput,
  SwitchInput,
  ProbeInput,
  DrainInput,
  RevertInput,
  KeptInput,
  DeadlineInput,
  DeploymentTag,
  Done,
  StartedOutput,
  SwitchedOutput,
  DrainedOutput,
} from './deployment.types.js';

const RECENT_ATTEMPTS = 20;
/** Exits since the switch that count as crash-looping (the first one is restarted like any crash). */
export const CRASH_LOOP_EXITS = 2;

/** A slot nobody filled fails loudly instead of pretending to work. */
function notProvided(name: string): never {
  throw new Error(`effect "${name}" is not provided: fill it with machine.provide({ actors })`);
}
const promiseSlot = <I, O>(name: string) => fromPromise<O, I>(async () => notProvided(name));
const callbackSlot = <I>(name: string) => fromCallback<DeploymentEvent, I>(() => notProvided(name));

/** The time an event happened: events and effect results carry it; the machine keeps the latest as its clock. */
export function timeOf(event: unknown, fallback: string): string {
  const e = event as { at?: unknown; output?: { at?: unknown }; error?: { at?: unknown } };
  const at = e.at ?? e.output?.at ?? e.error?.at;
  return typeof at === 'string' ? at : fallback;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return JSON.stringify(error) ?? 'unknown error';
}

export const deploymentSetup = setup({
  types: {
    context: {} as DeploymentContext,
    events: {} as DeploymentEvent | RegionEvent,
    input: {} as DeploymentInput,
    tags: {} as DeploymentTag,
  },
  actors: {
    buildSlot: callbackSlot<SpecInput>('buildSlot'),
    build: promiseSlot<SpecInput, Done>('build'),
    startCandidate: promiseSlot<SpecInput, StartedOutput>('startCandidate'),
    watchCandidate: callbackSlot<WorkloadInput>('watchCandidate'),
    probeReadiness: callbackSlot<ProbeInput>('probeReadiness'),
    readinessDeadline: callbackSlot<DeadlineInput>('readinessDeadline'),
    stopCandidate: promiseSlot<StopInput, Done>('stopCandidate'),
    switchRoute: promiseSlot<SwitchInput, SwitchedOutput>('switchRoute'),
    drainPrevious: promiseSlot<DrainInput, DrainedOutput>('drainPrevious'),
    superviseWorkload: callbackSlot<WorkloadInput>('superviseWorkload'),
    revertPrevious: promiseSlot<RevertInput, Done>('revertPrevious'),
    stopKept: promiseSlot<KeptInput, Done>('stopKept'),
  },
  guards: {
    hasReadiness: ({ context }) => context.spec.service.readiness !== undefined,
    /** The event's time, not a clock: a timer that fires early (or a stray event) changes nothing. */
    deadlinePassed: ({ context, event }) =>
      event.type === 'readiness.deadline' && Date.parse(event.at) >= Date.parse(deadlineOf(context)),
    attemptPassed: ({ event }) => event.type === 'readiness.attempt' && event.ok,
    replacedByRollback: ({ event }) =>
      event.type === 'deployment.replaced' && (event.mode === 'rollback' || event.mode === 'auto_revert'),
    /** Replaced by a deploy that keeps this workload running without traffic for its revert window. */
    replacedKeeping: ({ event }) => event.type === 'deployment.replaced' && event.keepUntil !== undefined,
    setComplete: ({ context }) => instancesOf(context).length >= wantedInstances(context.spec),
    /** Whole, and not failing its health check: a restart that passed readiness is not healthy while probes still fail. */
    setCompleteAndPassing: ({ context }) =>
      instancesOf(context).length >= wantedInstances(context.spec) && !context.probeFailure,
    fullSetPassing: ({ context, event }) =>
      event.type === 'instances.serving' &&
      event.instances.length >= wantedInstances(context.spec) &&
      !context.probeFailure,
    healthRevertable: ({ context, event }) => event.type === 'health.failed' && withinRevertWindow(context, event.at),
    crashLoopRevertable: ({ context, event }) =>
      event.type === 'workload.exited' &&
      context.restarts + 1 >= CRASH_LOOP_EXITS &&
      withinRevertWindow(context, event.at),
    /** Params: the switchRoute effect's output (its done event's, typed by the slot). */
    hasPrevious: (_, out: SwitchedOutput) => out.previous !== null,
  },
  actions: {
    /** Advances the clock to the event's time. */
    tick: assign({ clock: ({ context, event }) => timeOf(event, context.clock) }),
    /** Appends a stage/status change to the timeline. */
    mark: assign(({ context, event }, params: { stage: Stage; status: Status }) => {
      const at = timeOf(event, context.clock);
      return { clock: at, stageEnteredAt: at, stages: [...context.stages, { ...params, at }] };
    }),
    recordAttempt: assign(({ context, event }) => {
      if (event.type !== 'readiness.attempt') return {};
      const { type: _type, ...rest } = event;
      const attempt = { ...rest, detail: truncateText(rest.detail) };
      return {
        clock: attempt.at,
        readiness: {
          attempts: context.readiness.attempts + 1,
          recent: [...context.readiness.recent, attempt].slice(-RECENT_ATTEMPTS),
        },
      };
    }),
    /** Ends this promotion as failed; the stage region stays on the stage where it happened. */
    fail: enqueueActions(
      ({ context, event, enqueue }, params: { stage: Stage; message: string; unhealthy?: boolean }) => {
        const at = timeOf(event, context.clock);
        enqueue.assign({
          clock: at,
          failureMessage: truncateText(params.message),
          completedAt: at,
          stages: [...context.stages, { stage: params.stage, status: 'failed' as const, at }],
        });
        enqueue.raise({ type: 'status.failed' });
        if (params.unhealthy) enqueue.raise({ type: 'health.unhealthy' });
      },
    ),
    succeed: enqueueActions(({ context, event, enqueue }) => {
      const at = timeOf(event, context.clock);
      enqueue.assign({
        clock: at,
        completedAt: at,
        stageEnteredAt: at,
        stages: [...context.stages, { stage: 'active' as const, status: 'succeeded' as const, at }],
      });
      enqueue.raise({ type: 'status.succeeded' });
    }),
    /** A standby deployment is promoted again (rollback): a fresh promotion without a build. */
    beginPromotion: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'deployment.promote') return;
      enqueue.assign({
        trigger: event.trigger,
        clock: event.at,
        stageEnteredAt: event.at,
        stages: [...context.stages, { stage: 'starting_candidate' as const, status: 'running' as const, at: event.at }],
        readiness: { attempts: 0, recent: [] },
        candidate: null,
        instances: [],
        previous: null,
        replacedBy: null,
        completedAt: null,
        failureMessage: null,
        probeFailure: null,
        revertReason: null,
        keptUntil: null,
        previousKeptUntil: null,
      });
      enqueue.raise({ type: 'status.running' });
      enqueue.raise({ type: 'health.pending' });
    }),
    /** Params: the startCandidate effect's output. */
    setCandidate: assign(({ context }, out: StartedOutput | undefined) => {
      if (!out?.workload) return {};
      return { candidate: out.workload, instances: out.instances ?? [out.workload], clock: out.at ?? context.clock };
    }),
    /** This node's instance restarted: the set names its new identity in the same place. */
    setRestarted: assign(({ context, event }) => {
      if (event.type !== 'workload.restarted') return {};
      const old = context.candidate;
      const instances = context.instances?.map((w) =>
        old && w.ref === old.ref && w.nodeId === old.nodeId ? event.workload : w,
      );
      return { candidate: event.workload, clock: event.at, ...(instances ? { instances } : {}) };
    }),
    setScale: assign(({ context, event }) =>
      // Supervision starts again with fresh health checks: a failing instance is found failing again by them.
      event.type === 'deployment.scale'
        ? { spec: { ...context.spec, instances: event.instances }, clock: event.at, probeFailure: null }
        : { clock: context.clock },
    ),
    // The owner's own instance (slot 0 on the candidate's node) keeps the identity its last restart gave the candidate.
    setServing: assign(({ context, event }) => {
      if (event.type !== 'instances.serving') return { clock: context.clock };
      const own = context.candidate;
      const instances = event.instances.map((w) =>
        own && (w.slot ?? 0) === 0 && w.nodeId === own.nodeId && w.port === own.port ? own : w,
      );
      return { instances, clock: event.at };
    }),
    countCrash: assign({ restarts: ({ context }) => context.restarts + 1 }),
    setProbeFailure: assign(({ event }) =>
      event.type === 'health.failed' ? { probeFailure: truncateText(event.detail) } : {},
    ),
    clearProbeFailure: assign({ probeFailure: null }),
    revertOnHealth: assign(({ context, event }) =>
      event.type === 'health.failed' ? { revertReason: healthRevertMessage(context, event) } : {},
    ),
    revertOnCrash: assign(({ context, event }) =>
      event.type === 'workload.exited' ? { revertReason: crashRevertMessage(context, event) } : {},
    ),
    /** Reverted automatically: the record says why, though the stage it ends in is rolled_back like a manual rollback. */
    failWithRevertReason: assign(({ context }) => ({
      failureMessage: truncateText(context.revertReason ?? 'automatically reverted'),
    })),
    /** Params: the switchRoute effect's output. */
    setSwitched: assign((_, out: SwitchedOutput) => ({
      previous: out.previous,
      activatedAt: out.at,
      clock: out.at,
      previousKeptUntil: out.previous ? (out.keptUntil ?? null) : null,
    })),
    setReplaced: assign(({ context, event }) =>
      event.type === 'deployment.replaced'
        ? { replacedBy: event.by, clock: event.at }
        : { replacedBy: context.replacedBy },
    ),
    setKept: assign(({ event }) =>
      event.type === 'deployment.replaced' && event.keepUntil ? { keptUntil: event.keepUntil } : {},
    ),
    /** The kept workload was stopped (its window ended): a rollback now starts it again from its release. */
    clearKept: assign(({ context, event }) => ({ keptUntil: null, clock: timeOf(event, context.clock) })),
    raiseRunning: enqueueActions(({ enqueue }) => enqueue.raise({ type: 'status.running' })),
    raiseHealthy: enqueueActions(({ enqueue }) => enqueue.raise({ type: 'health.healthy' })),
    raiseUnhealthy: enqueueActions(({ enqueue }) => enqueue.raise({ type: 'health.unhealthy' })),
  },
});
