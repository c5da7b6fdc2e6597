// Calls the `status` verb over NATS request/reply at a fixed concurrency for a while: requests/s and latency percentiles.
import type { NatsConnection } from '@nats-io/nats-core';
import { subjects } from '../../packages/protocol/index.js';
import { nowMs, summarize, type Summary } from '../harness/index.js';

export interface StatusLoadResult {
  request: Record<string, unknown>;
  concurrency: number;
  seconds: number;
  requests: number;
  errors: number;
  /** Deployments in each reply (the same every time). */
  replyRecords: number;
  replyBytes: number;
  /** What one reply held, so a reader can check the request asked what it claims. */
  replySample: Array<{ serviceName: string; status: string; promotionStage: string; isActive: boolean }>;
  rps: number;
  latencyMs: Summary;
}

export async function statusLoad(
  nc: NatsConnection,
  request: Record<string, unknown>,
  o: { concurrency: number; seconds: number; warmupSeconds: number },
): Promise<StatusLoadResult> {
  const body = JSON.stringify(request);
  const latencies: number[] = [];
  let errors = 0;
  let replyRecords = 0;
  let replyBytes = 0;
  let replySample: StatusLoadResult['replySample'] = [];
  const call = async (record: boolean) => {
    const t0 = nowMs();
    try {
      const msg = await nc.request(subjects.api('status'), body, { timeout: 5_000 });
      const reply = msg.json<{
        ok: boolean;
        result?: { deployments: StatusLoadResult['replySample']; rows?: StatusLoadResult['replySample'] };
      }>();
      if (!reply.ok) throw new Error('status answered an error');
      if (record) {
        latencies.push(nowMs() - t0);
        const shown = reply.result!.rows ?? reply.result!.deployments;
        replyRecords = shown.length;
        replyBytes = msg.data.length;
        if (!replySample.length)
          replySample = shown.map(({ serviceName, status, promotionStage, isActive }) => ({
            serviceName,
            status,
            promotionStage,
            isActive,
          }));
      }
    } catch {
      if (record) errors += 1;
    }
  };
  const run = async (untilMs: number, record: boolean) => {
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (nowMs() < untilMs) await call(record);
      }),
    );
  };
  await run(nowMs() + o.warmupSeconds * 1000, false);
  const started = nowMs();
  await run(started + o.seconds * 1000, true);
  const seconds = (nowMs() - started) / 1000;
  return {
    request,
    concurrency: o.concurrency,
    seconds: Math.round(seconds * 10) / 10,
    requests: latencies.length,
    errors,
    replyRecords,
    replyBytes,
    replySample,
    rps: Math.round(latencies.length / seconds),
    latencyMs: summarize(latencies),
  };
}
