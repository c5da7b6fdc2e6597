// workload.json: what the driver started for a release (pid, start time, port), and how to find it again after a restart.
import { readCmdline, readStat, isAlive } from './proc-stat.js';
import { readJson, readText, writeJsonAtomic } from './atomic-file.js';
import type { ReleasePaths, WorkloadKey } from './release-layout.js';

export interface WorkloadRecord extends WorkloadKey {
  command: string;
  host: string;
  port: number;
  /** Null between "about to spawn" and "spawned": the wrapper's own pid file fills the gap after a crash. */
  pid: number | null;
  startTime: number | null;
  startedAt: string;
}

/** Marks the wrapper shell's argv so a pid found in a pid file can be checked to be ours. */
export const WRAPPER_MARK = 'compartment-workload';

export const readRecord = (paths: ReleasePaths) => readJson<WorkloadRecord>(paths.record);
export const writeRecord = (paths: ReleasePaths, record: WorkloadRecord) => writeJsonAtomic(paths.record, record);

export const refOf = (r: { pid: number | null; startTime: number | null }) => `${r.pid}:${r.startTime}`;

/**
 * The record of the workload if it runs now, else null. A record whose pid is missing (the agent died
 * right after spawning) is completed from the wrapper's pid file when that process carries our mark.
 */
export async function runningRecord(paths: ReleasePaths): Promise<WorkloadRecord | null> {
  const record = await readRecord(paths);
  if (record === null) return null;
  if (record.pid !== null && record.startTime !== null) {
    return (await isAlive(record.pid, record.startTime)) ? record : null;
  }
  const pid = Number.parseInt((await readText(paths.wrapperPid)) ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const [stat, argv] = await Promise.all([readStat(pid), readCmdline(pid)]);
  if (stat === null || stat.state === 'Z' || !argv.includes(WRAPPER_MARK) || !argv.includes(paths.workload))
    return null;
  const completed = { ...record, pid, startTime: stat.startTime };
  await writeRecord(paths, completed);
  return completed;
}

export async function readExitStatus(paths: ReleasePaths): Promise<number | null> {
  const n = Number.parseInt((await readText(paths.exitStatus)) ?? '', 10);
  return Number.isInteger(n) ? n : null;
}
