// The deployment statechart: status, stage and health as parallel regions; the stage region drives, the others react.
import type { Stage } from '../../packages/protocol/index.js';
import { deploymentSetup } from './deployment.setup.js';
import { instancesOf, type DeploymentContext } from './deployment.types.js';
import * as msg from './deployment.messages.js';
import { keepPreviousMs } from './deployment.revert.js';

type E = { type: string } & Record<string, unknown>;
const stageTarget = (stage: Stage) => `#deployment.stage.${stage}`;
const spec = ({ context }: { context: DeploymentContext }) => ({ spec: context.spec });
const workload = ({ context }: { context: DeploymentContext }) => ({
  spec: context.spec,
  workload: context.candidate!,
  instances: instancesOf(context),
});
const stopSet = ({ context }: { context: DeploymentContext }) => ({
  spec: context.spec,
  instances: instancesOf(context),
});
const enter = (stage: Stage) => ({ type: 'mark', params: { stage, status: 'running' } }) as const;
const fail = (stage: Stage, message: (event: E, context: DeploymentContext) => string, unhealthy = false) =>
  ({
    type: 'fail',
    params: ({ event, context }: { event: unknown; context: DeploymentContext }) => ({
      stage,
      message: message(event as E, context),
      unhealthy,
    }),
  }) as const;
/** A promotion that failed before traffic moved stops its candidate set (stopped or not, it halts there). */
const cleanup = {
  invoke: { id: 'stopCandidate', src: 'stopCandidate', input: stopSet, onDone: 'halted', onError: 'halted' },
} as const;
/** Where a promotion that failed rests: nothing runs. */
const halted = { tags: 'dormant' } as const;
const superseded = (stage: Stage, target: string) => ({ target, actions: fail(stage, msg.supersededMessage) });
const lost = (stage: Stage, unhealthy: boolean) => ({
  target: 'halted',
  actions: fail(stage, (e) => msg.nodeLostMessage(e, stage), unhealthy),
});

/** Replaced by a deploy that keeps this workload running for its revert window (keepPrevious). */
const keptByReplacer = { guard: 'replacedKeeping', target: 'kept', actions: ['setReplaced', 'setKept'] } as const;

export const deploymentMachine = deploymentSetup.createMachine({
  id: 'deployment',
  type: 'parallel',
  context: ({ input }) => ({
    spec: input.spec,
    trigger: input.trigger ?? 'deploy',
    clock: input.spec.createdAt,
    stageEnteredAt: input.spec.createdAt,
    stages: [{ stage: 'building', status: 'queued', at: input.spec.createdAt }],
    readiness: { attempts: 0, recent: [] },
    candidate: null,
    instances: [],
    previous: null,
    replacedBy: null,
    failureMessage: null,
    completedAt: null,
    activatedAt: null,
    restarts: 0,
  }),
  states: {
    status: {
      initial: 'queued',
      states: {
        queued: { tags: 'inFlight', on: { 'status.running': 'running', 'status.failed': 'failed' } },
        running: { tags: 'inFlight', on: { 'status.succeeded': 'succeeded', 'status.failed': 'failed' } },
        succeeded: { on: { 'status.running': 'running' } },
        failed: {},
      },
    },
    health: {
      initial: 'pending',
      states: {
        pending: { on: { 'health.healthy': 'healthy', 'health.unhealthy': 'unhealthy' } },
        healthy: { on: { 'health.unhealthy': 'unhealthy', 'health.pending': 'pending' } },
        unhealthy: { on: { 'health.healthy': 'healthy', 'health.pending': 'pending' } },
      },
    },
    stage: {
      initial: 'building',
      states: {
        building: {
          tags: 'preSwitch',
          initial: 'slot',
          states: {
            // The build slot is held from queueing until the build ends, and released when this state exits.
            slot: {
              initial: 'queued',
              invoke: { id: 'buildSlot', src: 'buildSlot', input: spec },
              states: {
                queued: {
                  on: {
                    'slot.granted': {
                      target: 'running',
                      actions: [{ type: 'mark', params: { stage: 'building', status: 'running' } }, 'raiseRunning'],
                    },
                    'deployment.superseded': superseded('building', '#deployment.stage.building.halted'),
                    'node.lost': { ...lost('building', false), target: '#deployment.stage.building.halted' },
                  },
                },
                running: {
                  invoke: {
                    id: 'build',
                    src: 'build',
                    input: spec,
                    onDone: { target: stageTarget('starting_candidate'), actions: enter('starting_candidate') },
                    onError: {
                      target: '#deployment.stage.building.halted',
                      actions: fail('building', (e) => msg.effectFailedMessage('build failed', e)),
                    },
                  },
                  on: {
                    'deployment.superseded': superseded('building', '#deployment.stage.building.halted'),
                    'node.lost': { ...lost('building', false), target: '#deployment.stage.building.halted' },
                  },
                },
              },
            },
            halted,
          },
        },
        starting_candidate: {
          tags: 'preSwitch',
          initial: 'starting',
          states: {
            starting: {
              invoke: {
                id: 'startCandidate',
                src: 'startCandidate',
                input: spec,
                onDone: [
                  {
                    guard: 'hasReadiness',
                    target: stageTarget('checking_readiness'),
                    actions: [
                      { type: 'setCandidate', params: ({ event }) => event.output },
                      enter('checking_readiness'),
                    ],
                  },
                  {
                    target: stageTarget('switching_route'),
                    actions: [
                      { type: 'setCandidate', params: ({ event }) => event.output },
                      'raiseHealthy',
                      enter('switching_route'),
                    ],
                  },
                ],
                onError: {
                  target: 'cleanup',
                  actions: fail(
                    'starting_candidate',
                    (e) => msg.effectFailedMessage('candidate failed to start', e),
                    true,
                  ),
                },
              },
              on: {
                'deployment.superseded': superseded('starting_candidate', 'cleanup'),
                'node.lost': lost('starting_candidate', true),
              },
            },
            cleanup,
            halted,
          },
        },
        checking_readiness: {
          tags: 'preSwitch',
          initial: 'probing',
          states: {
            probing: {
              invoke: [
                {
                  id: 'probeReadiness',
                  src: 'probeReadiness',
                  input: ({ context }) => ({ ...workload({ context }), deadline: msg.deadlineOf(context) }),
                  // A probe that throws cannot leave the deployment waiting: it fails now, naming the error.
                  onError: {
                    target: 'cleanup',
                    actions: fail(
                      'checking_readiness',
                      (e) => msg.effectFailedMessage('readiness probe failed', e),
                      true,
                    ),
                  },
                },
                { id: 'watchCandidate', src: 'watchCandidate', input: workload },
                // The deadline is the machine's own (absolute, in context); this effect only wakes it. Being invoked,
                // it is re-invoked on restore, which a delayed `after` transition is not.
                {
                  id: 'readinessDeadline',
                  src: 'readinessDeadline',
                  input: ({ context }) => ({ spec: context.spec, deadline: msg.deadlineOf(context) }),
                },
              ],
              on: {
                'readiness.deadline': {
                  guard: 'deadlinePassed',
                  target: 'cleanup',
                  actions: fail('checking_readiness', msg.timedOutMessage, true),
                },
                'readiness.attempt': [
                  {
                    guard: 'attemptPassed',
                    target: stageTarget('switching_route'),
                    actions: ['recordAttempt', 'raiseHealthy', enter('switching_route')],
                  },
                  { actions: 'recordAttempt' },
                ],
                'readiness.timed_out': {
                  target: 'cleanup',
                  actions: fail('checking_readiness', msg.timedOutMessage, true),
                },
                'workload.exited': {
                  target: 'cleanup',
                  actions: fail('checking_readiness', (e) => msg.exitedMessage(e, 'checking_readiness'), true),
                },
                'deployment.superseded': superseded('checking_readiness', 'cleanup'),
                'node.lost': lost('checking_readiness', true),
              },
            },
            cleanup,
            halted,
          },
        },
        switching_route: {
          tags: ['switching', 'handover'],
          initial: 'switching',
          states: {
            switching: {
              invoke: {
                id: 'switchRoute',
                src: 'switchRoute',
                input: ({ context }) => ({
                  ...workload({ context }),
                  trigger: context.trigger,
                  keepPreviousMs: keepPreviousMs(context),
                }),
                onDone: [
                  {
                    guard: { type: 'hasPrevious', params: ({ event }) => event.output },
                    target: stageTarget('draining_previous'),
                    actions: [{ type: 'setSwitched', params: ({ event }) => event.output }, enter('draining_previous')],
                  },
                  {
                    target: stageTarget('active'),
                    actions: [{ type: 'setSwitched', params: ({ event }) => event.output }, 'succeed'],
                  },
                ],
                // The route was not written: the candidate never had traffic and is stopped like a failed readiness.
                onError: {
                  target: 'cleanup',
                  actions: fail('switching_route', (e) => msg.effectFailedMessage('route switch failed', e), true),
                },
              },
              on: { 'node.lost': lost('switching_route', true) },
            },
            cleanup,
            halted,
          },
        },
        draining_previous: {
          tags: ['handover', 'serving'],
          invoke: {
            id: 'drainPrevious',
            src: 'drainPrevious',
            input: ({ context }) => ({
              spec: context.spec,
              previous: context.previous!,
              keptUntil: context.previousKeptUntil ?? null,
            }),
            // Traffic already moved: a drain that cannot finish is logged by the host, never a failed deployment.
            onDone: { target: 'active', actions: 'succeed' },
            onError: { target: 'active', actions: 'succeed' },
          },
          on: { 'node.lost': { target: 'active', actions: ['succeed', 'raiseUnhealthy'] } },
        },
        active: {
          initial: 'serving',
          states: {
            serving: {
              // sleepable: only the supervision runs here, so the host may keep it and drop the actor until an event.
              tags: ['serving', 'sleepable'],
              invoke: { id: 'superviseWorkload', src: 'superviseWorkload', input: workload },
              on: {
                'workload.exited': [
                  // Crash-looping within the revert window after its switch: the previous deployment serves again.
                  {
                    guard: 'crashLoopRevertable',
                    target: 'reverting',
                    actions: ['tick', 'countCrash', 'revertOnCrash', 'raiseUnhealthy'],
                  },
                  { actions: ['tick', 'countCrash', 'raiseUnhealthy'] },
                ],
                'workload.restarted': { actions: 'setRestarted' },
                'workload.recovered': [
                  { guard: 'setCompleteAndPassing', actions: ['tick', 'raiseHealthy'] },
                  { actions: 'tick' },
                ],
                'health.failed': [
                  {
                    guard: 'healthRevertable',
                    target: 'reverting',
                    actions: ['tick', 'setProbeFailure', 'revertOnHealth', 'raiseUnhealthy'],
                  },
                  { actions: ['tick', 'setProbeFailure', 'raiseUnhealthy'] },
                ],
                'health.passed': [
                  { guard: 'setComplete', actions: ['tick', 'clearProbeFailure', 'raiseHealthy'] },
                  { actions: ['tick', 'clearProbeFailure'] },
                ],
                // The set changed (an instance crashed, its node was lost, it was re-placed): healthy only when all serve.
                // A new count: supervision starts again with it, adding instances through readiness or draining surplus ones.
                'deployment.scale': { target: 'serving', reenter: true, actions: 'setScale' },
                'instances.serving': [
                  { guard: 'fullSetPassing', actions: ['setServing', 'raiseHealthy'] },
                  { actions: ['setServing', 'raiseUnhealthy'] },
                ],
                'node.lost': { actions: ['tick', 'raiseUnhealthy'] },
                'deployment.replaced': [
                  {
                    guard: 'replacedByRollback',
                    target: stageTarget('rolled_back'),
                    actions: ['setReplaced', { type: 'mark', params: { stage: 'rolled_back', status: 'succeeded' } }],
                  },
                  keptByReplacer,
                  { target: 'standby', actions: 'setReplaced' },
                ],
              },
            },
            // Reverting on its own: still serving (and supervised) until the previous deployment's switch replaces it.
            reverting: {
              tags: 'serving',
              invoke: [
                { id: 'superviseWorkload', src: 'superviseWorkload', input: workload },
                {
                  id: 'revertPrevious',
                  src: 'revertPrevious',
                  input: ({ context }) => ({
                    spec: context.spec,
                    previous: context.previous!,
                    reason: context.revertReason ?? 'unhealthy',
                  }),
                  // The previous one could not be promoted: this one stays the active deployment, unhealthy, as without autoRevert.
                  onError: { target: 'serving', actions: 'tick' },
                },
              ],
              on: {
                'workload.exited': { actions: ['tick', 'countCrash'] },
                'workload.restarted': { actions: 'setRestarted' },
                'health.failed': { actions: ['tick', 'setProbeFailure'] },
                'deployment.replaced': [
                  {
                    guard: 'replacedByRollback',
                    target: stageTarget('rolled_back'),
                    actions: [
                      'setReplaced',
                      'failWithRevertReason',
                      { type: 'mark', params: { stage: 'rolled_back', status: 'succeeded' } },
                    ],
                  },
                  keptByReplacer,
                  { target: 'standby', actions: 'setReplaced' },
                ],
              },
            },
            // Replaced by a deploy with keepPrevious: running without traffic until `keptUntil`, when stopKept stops it
            // (the machine's own absolute time, re-invoked on restore). A promotion adopts the running workload.
            kept: {
              tags: 'kept',
              invoke: {
                id: 'stopKept',
                src: 'stopKept',
                input: ({ context }) => ({ spec: context.spec, until: context.keptUntil ?? context.clock }),
                onDone: { target: 'standby', actions: 'clearKept' },
                onError: { target: 'standby', actions: 'clearKept' },
              },
              on: { 'deployment.promote': { target: stageTarget('starting_candidate'), actions: 'beginPromotion' } },
            },
            // Superseded by a newer active deployment: not serving, its release kept for rollback.
            standby: {
              tags: 'dormant',
              on: { 'deployment.promote': { target: stageTarget('starting_candidate'), actions: 'beginPromotion' } },
            },
          },
        },
        rolled_back: { tags: 'dormant' },
      },
    },
  },
});

export type DeploymentMachine = typeof deploymentMachine;
