// What a benchmark scenario is to the runner: a name, a title, a run that returns its data, and when it cannot run.
import type { Cleanup } from '../harness/index.js';

export interface ScenarioContext {
  /** Undo steps for everything the scenario starts; the runner runs them after the scenario, even when it fails. */
  cleanup: Cleanup;
  log(line: string): void;
  /** Fewer repetitions, for trying the bench out; results are marked as quick. */
  quick: boolean;
  /** Throws once the scenario ran past its time budget; call between steps. */
  check(): void;
}

export interface Scenario<T = unknown> {
  name: string;
  title: string;
  /** The most this scenario may take; the runner stops it at its next check() after that. */
  budgetMs: number;
  /** A reason it cannot run on this machine now (e.g. a runtime not built yet), or null. */
  unavailable?(): Promise<string | null>;
  run(ctx: ScenarioContext): Promise<T>;
}

export interface ScenarioResult<T = unknown> {
  scenario: string;
  title: string;
  status: 'ok' | 'skipped' | 'failed';
  reason: string | null;
  quick: boolean;
  startedAt: string;
  durationMs: number;
  /** The machine's load average (1, 5, 15 min) when the scenario started: how busy the shared machine was. */
  loadAverage?: number[];
  data: T | null;
}
