// CPU time and memory of a running process from /proc (Linux): the node agent's cost of one step of work.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** user + system CPU time in ms, and RSS in MB; null once the process is gone. */
export function usageOf(pid: number): { cpuMs: number; rssMb: number } | null {
  try {
    // Fields after the parenthesised command name: state is [0], utime [11], stime [12] (man 5 proc).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuMs, rssMb: rss ? Math.round(Number(rss[1]) / 102.4) / 10 : 0 };
  } catch {
    return null;
  }
}
