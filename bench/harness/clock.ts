// Epoch milliseconds with sub-millisecond resolution: comparable between the bench's processes on one machine.
export const nowMs = (): number => performance.timeOrigin + performance.now();

import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** An ISO time (ms precision, as the cluster writes them) as epoch ms. */
export const isoMs = (iso: string): number => Date.parse(iso);
