// The wait inside a long poll (`watch`, `feed`): until something the answer reads moved, or the time left ran out.
export class LongPollWait {
  private wake: (() => void) | null = null;

  /** Called by whatever may change the answer (the index, the transition ring): ends the current wait early. */
  readonly poke = (): void => this.wake?.();

  /** Resolves at the next `poke` or after `ms`, whichever comes first. */
  async for(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }
}
