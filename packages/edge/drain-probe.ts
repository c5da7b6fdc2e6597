// Drain by evidence: waits until Caddy lists no upstream of a deployment, one refresh after the switch at the earliest.
import { hostOf, type CaddyAdmin } from './caddy-admin.js';
import { deploymentOfUpstreamName } from './dns-names.js';

export interface DrainOptions {
  /** Date.now() of the table update that took traffic away from the deployment. */
  switchedAt: number;
  /** Caddy's SRV refresh: until one has passed, a request may still pick the old upstream from the cache. */
  refreshMs: number;
  timeoutMs: number;
  everyMs?: number;
}

export interface DrainResult {
  /** False when the timeout passed with requests still in flight. */
  drained: boolean;
  /** Requests in flight at the last look. */
  inFlight: number;
}

/**
 * "Listed at all" is the evidence, not `num_requests > 0`: Caddy lists a dynamic upstream from the moment a
 * request picked it, a little before it counts the request, and drops it when the request is done.
 */
export async function waitDrained(
  admin: CaddyAdmin,
  deploymentId: string,
  options: DrainOptions,
): Promise<DrainResult> {
  const earliest = options.switchedAt + 2 * options.refreshMs;
  const deadline = options.switchedAt + options.timeoutMs;
  for (;;) {
    const now = Date.now();
    if (now < earliest) {
      await sleep(earliest - now);
      continue;
    }
    const mine = (await admin.upstreams()).filter((u) => deploymentOfUpstreamName(hostOf(u.address)) === deploymentId);
    const inFlight = mine.reduce((n, u) => n + u.num_requests, 0);
    if (mine.length === 0) return { drained: true, inFlight: 0 };
    if (Date.now() >= deadline) return { drained: false, inFlight };
    await sleep(Math.min(options.everyMs ?? 50, Math.max(1, deadline - Date.now())));
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
