// Paths through the deployment machine generated with @xstate/graph, and their replay into real actors.
import { getShortestPaths } from '@xstate/graph';
import { createActor, transition, type AnyStateMachine } from 'xstate';
import { deploymentMachine } from '../deployment.machine.js';
import type { DeploymentSpec } from '../deployment.types.js';
import { eventCatalogue } from './fixtures.js';
import { FakeEffects, flush } from './fake-effects.js';

type Event = { type: string } & Record<string, unknown>;
type Snap = ReturnType<typeof deploymentMachine.transition>;

/** A state is its value plus the context that changes which transitions are possible. */
export function stateKey(s: { value: unknown; context: Snap['context']; status?: string }): string {
  const c = s.context;
  // An effect's error event where no such effect runs errors the actor: that snapshot is not the state it names.
  if (s.status === 'error') return `error|${JSON.stringify(s.value)}`;
  // Crashes so far, a failing health check and a started revert change which guarded transitions apply.
  const health = `${c.restarts > 0 ? 'r' : '-'}${c.probeFailure ? 'f' : '-'}${c.revertReason ? 'v' : '-'}/${c.spec.instances ?? 1}`;
  return `${JSON.stringify(s.value)}|${c.trigger}|${c.candidate ? 'c' : '-'}|${c.previous ? 'p' : '-'}|${health}`;
}

export interface TestPath {
  name: string;
  spec: DeploymentSpec;
  events: Event[];
  /** Expected state key after each event. */
  expected: string[];
}

/** One path per (reachable state, event it handles): every edge of the graph, each reached the shortest way. */
export function edgePaths(spec: DeploymentSpec): TestPath[] {
  const events = eventCatalogue();
  const shortest = getShortestPaths(deploymentMachine, {
    input: { spec },
    events: events as never,
    serializeState: (s) => stateKey(s as Snap),
    serializeEvent: (e) => JSON.stringify(e),
  });
  const out: TestPath[] = [];
  for (const path of shortest) {
    const steps = path.steps.filter((s) => !s.event.type.startsWith('xstate.init'));
    const prefix = steps.map((s) => s.event as Event);
    const prefixKeys = steps.map((s) => stateKey(s.state as Snap));
    const end = path.state as Snap;
    if (end.status === 'error') continue;
    for (const event of events) {
      if (!end.can(event as never)) continue;
      const [next] = transition(deploymentMachine, end, event as never);
      out.push({
        name: `${stateKey(end)} --${event.type}${'mode' in event ? `(${String(event.mode)})` : ''}${'ok' in event ? `(${String(event.ok)})` : ''}-->`,
        spec,
        events: [...prefix, event],
        expected: [...prefixKeys, stateKey(next as Snap)],
      });
    }
  }
  return out;
}

/** Stable identity of a transition definition, for coverage. */
export function transitionId(t: {
  source: { id: string };
  eventType: string;
  target?: ReadonlyArray<{ id: string }> | undefined;
  guard?: unknown;
}): string {
  const guard = typeof t.guard === 'string' ? t.guard : ((t.guard as { type?: string } | undefined)?.type ?? '');
  return `${t.source.id} ${t.eventType} -> ${(t.target ?? []).map((n) => n.id).join(',') || '(internal)'}${guard ? ` [${guard}]` : ''}`;
}

/** Every transition the machine definition has. */
export function allTransitions(machine: AnyStateMachine = deploymentMachine): Set<string> {
  const out = new Set<string>();
  const visit = (node: AnyStateMachine['root']) => {
    for (const list of node.transitions.values()) for (const t of list) out.add(transitionId(t as never));
    for (const child of Object.values(node.states)) visit(child as AnyStateMachine['root']);
  };
  visit(machine.root);
  return out;
}

export interface Replay {
  effects: FakeEffects;
  actor: ReturnType<typeof createActor<AnyStateMachine>>;
  keys: string[];
  taken: Set<string>;
}

/** Replays a path into a real actor whose effects are fakes the path settles; records the transitions taken. */
export async function replay(path: Pick<TestPath, 'spec' | 'events'>, effects = new FakeEffects()): Promise<Replay> {
  const taken = new Set<string>();
  const actor = createActor(effects.machine() as AnyStateMachine, {
    input: { spec: path.spec },
    inspect: (ev) => {
      if (ev.type === '@xstate.microstep')
        for (const t of (ev as unknown as { _transitions: never[] })._transitions) taken.add(transitionId(t));
    },
  });
  actor.start();
  await flush();
  const keys: string[] = [];
  for (const event of path.events) {
    effects.deliver(event, (e) => actor.send(e as never));
    await flush();
    keys.push(stateKey(actor.getSnapshot() as Snap));
  }
  return { effects, actor, keys, taken };
}
