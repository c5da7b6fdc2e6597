// Wrappers that turn plain async functions into the machine's effect slots, stamping results and errors with time.
import { fromCallback, fromPromise } from 'xstate';
import type { DeploymentEvent } from '../../../machines/deployment/index.js';

export const now = () => new Date().toISOString();

/** A promise effect whose result and failure both carry `at`, the machine's only clock. */
export function promiseEffect<I, O extends object>(run: (input: I, signal: AbortSignal) => Promise<O>) {
  return fromPromise<O & { at: string }, I>(async ({ input, signal }) => {
    try {
      const out = await run(input, signal);
      return { ...out, at: now() };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      throw Object.assign(e, { at: now() });
    }
  });
}

export type Report = (event: DeploymentEvent) => void;

/** A long-running effect started outside any actor: reports go to `report` until the returned stop is called. */
export type DetachedRun<I> = (input: I, report: Report) => () => void;

const DETACHED = Symbol('compartment.detachedRun');

/** The effect behind a callback slot filled by `callbackEffect`, runnable without an actor (null for any other logic). */
export function detachedRunOf<I>(logic: unknown): DetachedRun<I> | null {
  return (logic as { [DETACHED]?: DetachedRun<I> } | undefined)?.[DETACHED] ?? null;
}

/**
 * A long-running effect that reports events. It must never throw (an unhandled error would stop the
 * deployment's actor), so failures go to `warn` and the effect simply stops reporting. The same effect can run
 * detached from an actor (`detachedRunOf`): the host keeps a serving deployment's supervision while its actor sleeps.
 */
export function callbackEffect<I>(
  warn: (message: string, error: unknown) => void,
  name: string,
  run: (input: I, report: Report) => () => void,
  /** Rethrow a failure to start, so the machine's `onError` for this effect ends the stage instead of waiting. */
  failsStage = false,
) {
  const detached: DetachedRun<I> = (input, sendBack) => {
    let stopped = false;
    const report: Report = (event) => {
      if (!stopped) sendBack(event);
    };
    let cleanup: () => void = () => {};
    try {
      cleanup = run(input, report);
    } catch (error) {
      warn(`effect ${name} failed to start`, error);
      if (failsStage) throw error;
    }
    return () => {
      stopped = true;
      try {
        cleanup();
      } catch (error) {
        warn(`effect ${name} failed to stop`, error);
      }
    };
  };
  return Object.assign(
    fromCallback<DeploymentEvent, I>(({ input, sendBack }) => detached(input, sendBack)),
    { [DETACHED]: detached },
  );
}
