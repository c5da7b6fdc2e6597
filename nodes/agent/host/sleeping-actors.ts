// The deployments hosted here whose actor sleeps: their last stored record and revision, and one wake-up at a time.
import type { DeploymentRecord } from '../../../packages/protocol/index.js';
import type { Hosted } from './hosted-actor.js';

/** A sleeping deployment; its supervision runs in `KeptSupervisions`. */
export type Asleep = { record: DeploymentRecord; revision: number; waking: Promise<Hosted | null> | null };

export class SleepingActors {
  private readonly byId = new Map<string, Asleep>();

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  recordOf(id: string): DeploymentRecord | null {
    return this.byId.get(id)?.record ?? null;
  }

  add(id: string, record: DeploymentRecord, revision: number): void {
    this.byId.set(id, { record, revision, waking: null });
  }

  /** True while `asleep` is still how `id` sleeps (a stop or another wake-up did not take it meanwhile). */
  isCurrent(id: string, asleep: Asleep): boolean {
    return this.byId.get(id) === asleep;
  }

  take(id: string): void {
    this.byId.delete(id);
  }

  /** Forgets every sleeper and returns their ids. */
  clear(): string[] {
    const ids = this.ids();
    this.byId.clear();
    return ids;
  }

  /** The wake-up in flight for `id`, started with `rehydrate` if there is none (a failed one may be retried); null if awake. */
  wake(id: string, rehydrate: (asleep: Asleep) => Promise<Hosted | null>): Promise<Hosted | null> | null {
    const asleep = this.byId.get(id);
    if (!asleep) return null;
    asleep.waking ??= rehydrate(asleep).catch((error) => {
      asleep.waking = null;
      throw error;
    });
    return asleep.waking;
  }
}
