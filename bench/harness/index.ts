// Public face of the bench's harness: clock, statistics, cleanup, child processes, paths, results and machine info.
export { nowMs, sleep, isoMs } from './clock.js';
export { percentile, summarize, ratio, round1, type Summary } from './stats.js';
export { Cleanup, killQuietly } from './cleanup.js';
export { runTimed, runOk, httpGet, waitHttp, listenersOn, type Timed, type HttpAnswer } from './procs.js';
export { ROOT, RESULTS_DIR, BENCHMARKS_MD, COMPARTMENT_BIN, PM2_BIN } from './paths.js';
export { writeResult, readResults } from './results.js';
export { machineInfo, type MachineInfo } from './machine.js';
