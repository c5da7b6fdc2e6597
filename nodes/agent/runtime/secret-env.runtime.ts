// Puts a deployment's secrets into its workload's environment at build and start, read from the variables bucket then.
import type { DeploymentSpec, WorkloadRef } from '../../../machines/deployment/index.js';
import type { ProbeTarget, WorkloadRuntime } from './workload-runtime.js';

/** Opens the named secrets of an environment; throws naming any that is no longer set. */
export type SecretResolver = (environment: string, names: readonly string[]) => Promise<Record<string, string>>;

/**
 * Specs are persisted in every snapshot, so they name secrets (`secretRefs`) instead of holding them. The clear values live
 * only in this process's memory and the workload's environment: resolved at each build and start (a crash restart after a
 * rotation, or a rollback, gets the current value; an unset one fails the start naming it).
 */
export function withSecrets(inner: WorkloadRuntime, resolve: SecretResolver): WorkloadRuntime {
  // Command readiness probes run with the workload's environment: the values its last start got, while this agent lives.
  const lastEnv = new Map<string, Record<string, string>>();
  const full = async (spec: DeploymentSpec): Promise<DeploymentSpec> => {
    const refs = spec.secretRefs ?? [];
    if (refs.length === 0) return spec;
    const variables = { ...spec.variables, ...(await resolve(spec.environmentName, refs)) };
    lastEnv.set(spec.id, variables);
    return { ...spec, variables };
  };
  // Explicit delegation (not a prototype trick): the runtimes keep private state that must stay on the inner object.
  const wrapped: WorkloadRuntime = {
    kind: inner.kind,
    build: async (spec, signal) => inner.build(await full(spec), signal),
    start: async (spec, port, slot) => inner.start(await full(spec), port, slot),
    watch: (spec, onExit) => inner.watch(spec, onExit),
    stop: async (spec, graceMs, slot) => {
      // The deployment's other instances here (other slots) still run with these values: forgotten with the last.
      if (slot === undefined) lastEnv.delete(spec.id);
      return inner.stop(spec, graceMs, slot);
    },
    probeTarget: (spec: DeploymentSpec, workload: WorkloadRef): ProbeTarget => {
      const variables = lastEnv.get(spec.id);
      return inner.probeTarget(variables ? { ...spec, variables } : spec, workload);
    },
    list: () => inner.list(),
    stopOrphan: (w, graceMs) => inner.stopOrphan(w, graceMs),
    prune: (env, service, keepIds) => inner.prune(env, service, keepIds),
    close: () => inner.close(),
  };
  if (inner.release) wrapped.release = async (spec, signal) => inner.release!(await full(spec), signal);
  if (inner.ensureAvailable) wrapped.ensureAvailable = () => inner.ensureAvailable!();
  return wrapped;
}
