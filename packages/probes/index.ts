// Public face of the readiness probes: one attempt of any kind, or attempts until pass, deadline or abort.
export { probeOnce } from './probe-once.js';
export { probeUntil } from './probe-until.js';
export type { ProbeUntilOptions } from './probe-until.js';
export type { ProbeTarget, ProbeAttempt, ProbeOutcome } from './probe.types.js';
