// Public face of the process runtime: releases, builds, workloads and their log tailing on one node.
export { ProcessDriver } from './process-driver.js';
export type { ProcessDriverOptions, StartOptions, Started, WorkloadStatus, LogTail } from './process-driver.js';
export type { WorkloadKey } from './release-layout.js';
export type { BuildOptions, BuildResult, OutputStream } from './build-runner.js';
export type { StopResult } from './workload-stopper.js';
export type { ExitInfo } from './exit-info.js';
export { LogTailer } from './log-tailer.js';
export type { LogTailerOptions, TailBatch, TailLine } from './log-tailer.js';
export { resolveWorkloadUser, lookupUser, baseWorkloadEnv, DEFAULT_WORKLOAD_USER } from './workload-user.js';
export type { WorkloadUser } from './workload-user.js';
export { prepareReleaseRoot, chooseReleaseDir, blockedAt, FALLBACK_RELEASES } from './release-access.js';
export { refusalOf } from './archive-policy.js';
