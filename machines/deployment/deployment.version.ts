// The deployment machine's version, stored with every persisted snapshot: bump it when states or context change shape.

/**
 * 1: the machine before versioning (its snapshots carry no version).
 * 2: checking_readiness holds its own deadline (readinessDeadline effect, readiness.deadline event).
 * 3: the context holds an instance set (`instances`, optional) and active.serving takes `instances.serving`.
 * 4: health after the switch (`health.failed`/`health.passed`, optional `probeFailure` in context) and automatic revert
 *    (active.reverting, the revertPrevious effect, optional `revertReason`).
 * 5: keepPrevious (active.kept, the stopKept effect, optional `keptUntil`/`previousKeptUntil` in context).
 */
export const DEPLOYMENT_MACHINE_VERSION = 5;

/**
 * Versions whose snapshots this machine restores as they are. Version 1 has the same states and context (2 only
 * adds an effect), so a cluster upgraded in place keeps its deployments; a version-1 actor restored in
 * checking_readiness lacks only the new deadline effect and still ends by its probe's own timeout. Version 3
 * only adds an optional context field (absent means the set is just the candidate) and one event. Version 4 adds a
 * state no older snapshot is in and optional context fields (absent: passing, no revert). Version 5 likewise (absent:
 * nothing kept).
 */
export const RESTORABLE_MACHINE_VERSIONS: readonly number[] = [1, 2, 3, 4, 5];
