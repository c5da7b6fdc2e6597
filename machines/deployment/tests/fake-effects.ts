// Fake effects for the deployment machine: each call is logged, and the test decides when and how it ends.
import { fromPromise, fromCallback } from 'xstate';
import { deploymentMachine } from '../deployment.machine.js';

type Deferred = { resolve(v: unknown): void; reject(e: unknown): void };
type SendBack = (event: { type: string } & Record<string, unknown>) => void;

export interface EffectCall {
  effect: string;
  deploymentId: string;
  /** For drainPrevious: the previous deployment it touches. */
  touches: string | null;
  /** The instance set the effect was given, if any. */
  instances?: unknown;
  /** The whole input, for assertions on one field. */
  input?: unknown;
}

/** Which callback effect would report each outside event while it runs. */
const REPORTED_BY: Record<string, string[]> = {
  'slot.granted': ['buildSlot'],
  'readiness.attempt': ['probeReadiness'],
  'readiness.timed_out': ['probeReadiness'],
  'readiness.deadline': ['readinessDeadline'],
  'workload.exited': ['watchCandidate', 'superviseWorkload'],
  'workload.restarted': ['superviseWorkload'],
  'workload.recovered': ['superviseWorkload'],
  'instances.serving': ['superviseWorkload'],
  'health.failed': ['superviseWorkload'],
  'health.passed': ['superviseWorkload'],
};

export class FakeEffects {
  readonly calls: EffectCall[] = [];
  readonly pending = new Map<string, Deferred>();
  readonly running = new Map<string, SendBack>();
  /** Index into `calls` where the latest promotion (first deploy, or a rollback) began. */
  promotionStart = 0;

  private promise(effect: string) {
    return fromPromise<unknown, { spec: { id: string }; previous?: { id: string }; instances?: unknown }>(
      ({ input }) => {
        this.calls.push({
          effect,
          deploymentId: input.spec.id,
          touches: input.previous?.id ?? null,
          instances: input.instances,
          input,
        });
        return new Promise((resolve, reject) => this.pending.set(effect, { resolve, reject }));
      },
    );
  }

  private callback(effect: string) {
    return fromCallback<{ type: string }, { spec: { id: string }; instances?: unknown }>(({ input, sendBack }) => {
      this.calls.push({ effect, deploymentId: input.spec.id, touches: null, instances: input.instances });
      this.running.set(effect, sendBack as SendBack);
      return () => this.running.delete(effect);
    });
  }

  machine() {
    return deploymentMachine.provide({
      actors: {
        buildSlot: this.callback('buildSlot'),
        build: this.promise('build'),
        startCandidate: this.promise('startCandidate'),
        watchCandidate: this.callback('watchCandidate'),
        probeReadiness: this.callback('probeReadiness'),
        readinessDeadline: this.callback('readinessDeadline'),
        stopCandidate: this.promise('stopCandidate'),
        switchRoute: this.promise('switchRoute'),
        drainPrevious: this.promise('drainPrevious'),
        superviseWorkload: this.callback('superviseWorkload'),
        revertPrevious: this.promise('revertPrevious'),
        stopKept: this.promise('stopKept'),
      } as never,
    });
  }

  /** Delivers an event the way the real system would: effect results settle promises, reports go through the reporting effect. */
  deliver(event: { type: string } & Record<string, unknown>, send: SendBack): void {
    if (event.type === 'deployment.promote') this.promotionStart = this.calls.length;
    const settled = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event.type);
    if (settled) {
      const [, kind, id] = settled as unknown as [string, string, string];
      const d = this.pending.get(id);
      // A callback effect that fails: the machine sees the same error event XState sends for a throwing callback.
      if (!d && kind === 'error' && this.running.has(id)) return send(event);
      if (!d) throw new Error(`no ${id} effect is running to settle with ${event.type}`);
      this.pending.delete(id);
      if (kind === 'done') d.resolve(event.output);
      else d.reject(event.error);
      return;
    }
    const reporter = (REPORTED_BY[event.type] ?? []).map((e) => this.running.get(e)).find(Boolean);
    (reporter ?? send)(event);
  }

  effectsCalled(): string[] {
    return this.calls.map((c) => c.effect);
  }

  /** Calls made by the latest promotion only. */
  promotionCalls(): EffectCall[] {
    return this.calls.slice(this.promotionStart);
  }
}

/** Lets settled promises deliver their done events to the actor. */
export const flush = () => new Promise<void>((r) => setImmediate(r));
