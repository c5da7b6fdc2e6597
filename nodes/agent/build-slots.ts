// A node's build slots: at most N builds at once, the rest wait first come, first served.
export class BuildSlots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`build slots must be a positive integer, got ${capacity}`);
  }

  get inUse(): number {
    return this.busy;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Calls `granted` once a slot is free. Returns a release function that frees the slot, or
   * withdraws from the queue if it was never granted; calling it twice is harmless.
   */
  request(granted: () => void): () => void {
    let state: 'waiting' | 'held' | 'done' = 'waiting';
    const grant = () => {
      state = 'held';
      this.busy += 1;
      granted();
    };
    if (this.busy < this.capacity) grant();
    else this.waiting.push(grant);
    return () => {
      if (state === 'held') {
        this.busy -= 1;
        this.waiting.shift()?.();
      } else if (state === 'waiting') {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
      }
      state = 'done';
    };
  }
}
