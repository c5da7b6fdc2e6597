// Reads /proc to tell a live process of ours from a dead one, a zombie, or a stranger that got a reused pid.
import { readFile, readdir } from 'node:fs/promises';

export interface ProcStat {
  pid: number;
  /** R, S, D, Z (zombie), X (dead), T ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Field 22: clock ticks after boot when the process started. Unique per pid over time. */
  startTime: number;
}

/** The command name (field 2) may hold spaces and parentheses, so fields are counted after the last ')'. */
export function parseStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number.parseInt(text.slice(0, text.indexOf(' ')), 10);
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ');
  if (f.length < 20) return null;
  return { pid, state: f[0], ppid: Number(f[1]), pgrp: Number(f[2]), startTime: Number(f[19]) };
}

export async function readStat(pid: number): Promise<ProcStat | null> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

const gone = (s: ProcStat) => s.state === 'Z' || s.state === 'X';

/**
 * True when `pid` runs and is the very process that started at `startTime`. A zombie counts as dead:
 * an adopted workload's parent (a dead agent) is gone, and whoever inherits it may never reap it.
 */
export async function isAlive(pid: number, startTime: number): Promise<boolean> {
  const s = await readStat(pid);
  return s !== null && s.startTime === startTime && !gone(s);
}

/** Live (non-zombie) members of a process group. */
export async function groupMembers(pgid: number): Promise<ProcStat[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const stats = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map((n) => readStat(Number(n))));
  return stats.filter((s): s is ProcStat => s !== null && s.pgrp === pgid && !gone(s));
}

export async function readCmdline(pid: number): Promise<string[]> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Sends a signal to a whole process group; a group that is already gone is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}
