// Stops a workload: SIGTERM to its process group, SIGKILL after the grace period; stopping a stopped one is a no-op.
import { setTimeout as sleep } from 'node:timers/promises';
import { groupMembers, isAlive, killGroup } from './proc-stat.js';
import { CompartmentError } from '../protocol/index.js';
import { readRecord, runningRecord } from './workload.store.js';
import type { ReleasePaths } from './release-layout.js';

export interface StopResult {
  at: string;
  wasRunning: boolean;
  /** The last signal it took: SIGKILL when the grace period ran out. */
  signal: 'SIGTERM' | 'SIGKILL' | null;
}

const POLL_MS = 25;
/** How long SIGKILL may take to empty the group before stop gives up (the kernel is normally instant). */
const KILL_WAIT_MS = 5_000;

export async function stopWorkload(paths: ReleasePaths, graceMs: number): Promise<StopResult> {
  const record = await runningRecord(paths);
  if (record?.pid == null || record.startTime == null) {
    await sweepOrphans(paths);
    return { at: now(), wasRunning: false, signal: null };
  }
  const { pid, startTime } = record;
  const gone = async () => !(await isAlive(pid, startTime)) && (await groupMembers(pid)).length === 0;

  killGroup(pid, 'SIGTERM');
  if (await waitUntil(gone, graceMs)) return { at: now(), wasRunning: true, signal: 'SIGTERM' };
  // The leader's pid is still reserved while its group has members, so -pid cannot hit a stranger here.
  killGroup(pid, 'SIGKILL');
  if (!(await waitUntil(gone, KILL_WAIT_MS)))
    throw new CompartmentError('INTERNAL', `process group ${pid} survived SIGKILL`);
  return { at: now(), wasRunning: true, signal: 'SIGKILL' };
}

/**
 * The wrapper can die alone (killed by hand) and leave the app running in its group. Members that
 * started after our leader and still carry its pgid are that app: the pgid stays reserved while used.
 */
async function sweepOrphans(paths: ReleasePaths): Promise<void> {
  const record = await readRecord(paths);
  if (record?.pid == null || record.startTime == null) return;
  const { pid, startTime } = record;
  const orphans = (await groupMembers(pid)).filter((m) => m.startTime >= startTime && m.pid !== pid);
  if (orphans.length > 0) killGroup(pid, 'SIGKILL');
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(POLL_MS, left));
  }
}

const now = () => new Date().toISOString();
