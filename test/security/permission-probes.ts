// Probes for permission tests: did nats-server refuse this subscribe, publish or request for this connection?
import type { NatsConnection, Subscription } from '@nats-io/nats-core';

const settle = (ms: number) => new Promise<'open'>((r) => setTimeout(() => r('open'), ms));

/** Subscribes and reports whether the server refused it (the client closes the subscription with a permission error). */
export async function subscribeRefused(nc: NatsConnection, subject: string, queue?: string): Promise<boolean> {
  const sub: Subscription = nc.subscribe(subject, queue ? { queue } : {});
  await nc.flush().catch(() => undefined);
  const outcome = await Promise.race([sub.closed, settle(1000)]);
  if (outcome === 'open') sub.unsubscribe();
  return outcome instanceof Error && /permission/i.test(outcome.message);
}

/** A request the server refuses fails with a permission error (not a timeout, not "no responders"). */
export async function requestRefused(nc: NatsConnection, subject: string, body = '{}'): Promise<boolean> {
  try {
    await nc.request(subject, body, { timeout: 2000 });
    return false;
  } catch (error) {
    const e = error as Error & { cause?: Error };
    return /permission/i.test(`${e.name} ${e.message} ${e.cause?.name ?? ''} ${e.cause?.message ?? ''}`);
  }
}

/** Publishes and reports whether the server said "Permissions Violation for Publish" for that subject. */
export async function publishRefused(nc: NatsConnection, subject: string, body = '{}'): Promise<boolean> {
  let refused = false;
  const statuses = (async () => {
    for await (const s of nc.status()) {
      const error = (s as { error?: Error & { subject?: string; operation?: string } }).error;
      if (s.type === 'error' && error?.operation === 'publish' && error.subject === subject) refused = true;
    }
  })();
  nc.publish(subject, body);
  await nc.flush().catch(() => undefined);
  await settle(300);
  void statuses;
  return refused;
}
