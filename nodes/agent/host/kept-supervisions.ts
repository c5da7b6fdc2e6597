// Serving deployments' supervision, owned by the host so it outlives the actor: a sleeping deployment keeps its workload
// watched and health-checked, and what the supervision reports wakes the actor (the statechart decides what it means).
import { fromCallback } from 'xstate';
import type { DeploymentEvent, WorkloadInput } from '../../../machines/deployment/index.js';
import type { DetachedRun, Report } from '../effects/effect-kit.js';

interface Kept {
  /** What it supervises: a woken actor adopts the running supervision only for the same set. */
  input: WorkloadInput;
  /** Where its events go: the live actor, or the host's wake-up while the actor sleeps. */
  report: Report;
  attached: boolean;
  stop: () => void;
}

const sameSet = (a: WorkloadInput, b: WorkloadInput) =>
  a.workload.ref === b.workload.ref &&
  a.spec.instances === b.spec.instances &&
  a.instances.length === b.instances.length &&
  a.instances.every((w, i) => w.ref === b.instances[i]?.ref && w.nodeId === b.instances[i]?.nodeId);

export class KeptSupervisions {
  private readonly byId = new Map<string, Kept>();
  /** Deployments whose actor is being put to sleep: their supervision stays when the actor stops. */
  private readonly sleeping = new Set<string>();

  constructor(
    private readonly run: DetachedRun<WorkloadInput>,
    /** Where a sleeping deployment's supervision reports (the host wakes its actor). */
    private readonly wake: (id: string, event: DeploymentEvent) => void,
  ) {}

  /** The `superviseWorkload` effect slot: adopts the supervision a sleeping actor left running, else starts one. */
  logic() {
    return fromCallback<DeploymentEvent, WorkloadInput>(({ input, sendBack }) => this.attach(input, sendBack));
  }

  /** Stops `stop`ping the actor of `id` from stopping its supervision (it goes on reporting to the wake-up). */
  keepWhile(id: string, stop: () => void): void {
    this.sleeping.add(id);
    try {
      stop();
    } finally {
      this.sleeping.delete(id);
    }
  }

  /** Whether `id` has a supervision running with no actor attached (it sleeps). */
  isDetached(id: string): boolean {
    return this.byId.get(id)?.attached === false;
  }

  /** Stops the supervision of a sleeping deployment (let go, or the agent is stopping); its workload keeps running. */
  stop(id: string): void {
    const kept = this.byId.get(id);
    if (!kept || kept.attached) return;
    this.byId.delete(id);
    kept.stop();
  }

  get size(): number {
    return this.byId.size;
  }

  private attach(input: WorkloadInput, sendBack: Report): () => void {
    const id = input.spec.id;
    let kept = this.byId.get(id);
    // Another set (the actor woke from a newer snapshot), or still attached to an actor being replaced: start afresh.
    if (kept && (kept.attached || !sameSet(kept.input, input))) {
      this.byId.delete(id);
      kept.stop();
      kept = undefined;
    }
    if (kept) {
      kept.report = sendBack;
      kept.attached = true;
    } else {
      const fresh: Kept = { input, report: sendBack, attached: true, stop: () => undefined };
      this.byId.set(id, fresh);
      fresh.stop = this.run(input, (event) => fresh.report(event));
      kept = fresh;
    }
    const mine = kept;
    return () => {
      if (this.byId.get(id) !== mine) return;
      if (this.sleeping.has(id)) {
        mine.attached = false;
        mine.report = (event) => this.wake(id, event);
        return;
      }
      this.byId.delete(id);
      mine.stop();
    };
  }
}
