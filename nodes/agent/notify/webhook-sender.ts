// Posts one signed webhook delivery, retried with backoff: the receiver verifies the HMAC and drops repeated deliveries.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorText } from '../../../packages/protocol/index.js';

/** Per attempt; a receiver slower than this counts as failed and is asked again. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
export const WEBHOOK_ATTEMPTS = 5;
const FIRST_DELAY_MS = 500;

export interface Delivery {
  url: string;
  /** The HMAC key, opened from the environment's secret just before sending. */
  key: string;
  delivery: string;
  event: string;
  body: string;
}

export interface SendOptions {
  attempts?: number;
  firstDelayMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** `sha256=<hex>` over `<timestamp>.<body>`: the timestamp is signed too, so an old delivery cannot be replayed as new. */
export function signature(key: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Resolves with the attempt that got a 2xx, or rejects with the last failure once every attempt is spent. */
export async function sendWebhook(d: Delivery, opts: SendOptions = {}): Promise<number> {
  const attempts = opts.attempts ?? WEBHOOK_ATTEMPTS;
  let delay = opts.firstDelayMs ?? FIRST_DELAY_MS;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        redirect: 'error',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'compartment-webhook',
          'x-compartment-event': d.event,
          'x-compartment-delivery': d.delivery,
          'x-compartment-timestamp': timestamp,
          'x-compartment-signature': signature(d.key, timestamp, d.body),
        },
        body: d.body,
        signal: AbortSignal.any([
          AbortSignal.timeout(opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
          ...(opts.signal ? [opts.signal] : []),
        ]),
      });
      await res.body?.cancel();
      if (res.ok) return attempt;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = errorText(error);
    }
    if (opts.signal?.aborted) break;
    if (attempt < attempts) await sleep(delay, undefined, { signal: opts.signal }).catch(() => undefined);
    delay *= 2;
  }
  // Only the origin: a webhook URL often carries its own token in the path.
  throw new Error(`webhook to ${new URL(d.url).origin} failed after ${attempts} attempts: ${last}`);
}
