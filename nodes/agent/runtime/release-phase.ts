// The release phase as every runtime runs it: announced, its output on the streams, a failure fails the build.
import { CompartmentError, errorText, logTime } from '../../../packages/protocol/index.js';
import type { DeploymentSpec } from '../../../machines/deployment/index.js';
import type { OutputSink } from './workload-runtime.js';

/** What a driver's release takes: the command, the candidate's variables, and a line callback. */
export interface ReleaseRun {
  command: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onLine(stream: 'stdout' | 'stderr', text: string): void;
}

/** Runs `spec`'s release command through `run` (the driver's); nothing when the service has none. */
export async function runReleasePhase(
  spec: DeploymentSpec,
  sink: OutputSink,
  signal: AbortSignal,
  run: (r: ReleaseRun) => Promise<{ skipped: boolean }>,
): Promise<void> {
  const command = spec.service.release;
  if (!command) return;
  sink.event(spec, `release: ${command}`);
  const pending: Promise<void>[] = [];
  try {
    const result = await run({
      command,
      env: spec.variables,
      signal,
      onLine: (stream, text) => void pending.push(sink.output(spec, stream, [{ time: logTime(), text }])),
    });
    await Promise.all(pending);
    sink.event(spec, result.skipped ? 'release already complete' : 'release complete');
  } catch (error) {
    await Promise.all(pending);
    throw new CompartmentError('BUILD_FAILED', `release command failed: ${errorText(error)}`);
  }
}
