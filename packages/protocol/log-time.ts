// Log line times with microseconds, strictly increasing within a process: the order lines were seen is the order they sort in.

let lastMicros = 0;

/**
 * Now, as an ISO time with six fraction digits, later than every earlier call in this process. Lines of one
 * deployment come from several streams that are batched and flushed at different delays (platform events at
 * once, stdout after 50 ms), so their stream order is not the order they happened; their times are. A clock in
 * milliseconds gave a build's last stdout line and `build complete` the same time on a fast machine, and the tie
 * went to the stream order: `build complete` first. A wall clock stepped back (NTP on a fresh machine) cannot
 * reorder lines either: times hold at the last one plus 1 µs until the clock catches up.
 */
export function logTime(): string {
  const micros = Math.max(Date.now() * 1000, lastMicros + 1);
  lastMicros = micros;
  return isoMicros(micros);
}

/** `micros` since the epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function isoMicros(micros: number): string {
  const iso = new Date(Math.floor(micros / 1000)).toISOString();
  return `${iso.slice(0, -1)}${String(micros % 1000).padStart(3, '0')}Z`;
}

/** An ISO time in microseconds since the epoch, for sorting: Date.parse keeps milliseconds, digits 4–6 are added. */
export function timeKey(iso: string): number {
  const ms = Date.parse(iso);
  const sub = /\.\d{3}(\d{1,3})/.exec(iso)?.[1];
  return ms * 1000 + (sub ? Number(sub.padEnd(3, '0')) : 0);
}
