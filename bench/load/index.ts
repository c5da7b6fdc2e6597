// Public face of the load generator: start a load process, and read its report against the bench's timeline.
export { startLoad, type RunningLoad } from './load-generator.js';
export {
  failuresBetween,
  addCounts,
  emptyCount,
  switchLatency,
  versionsBetween,
  requestsPerSecond,
  type FailureCount,
  type SwitchLatency,
} from './load-analysis.js';
export type { LoadOptions, LoadReport, FailureBucket, FailureKind, Segment } from './load.protocol.js';
