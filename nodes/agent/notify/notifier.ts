// Tells a deployment's webhooks what happened to it: only the leader sends, from the record changes every node watches.
import {
  NotifyTargets,
  type DeploymentRecord,
  type NotifyEvent,
  type NotifyTarget,
} from '../../../packages/protocol/index.js';
import { readStoredDeployment } from '../../../machines/deployment/index.js';
import { eventsOf } from './notify-events.js';
import { sendWebhook, type SendOptions } from './webhook-sender.js';

/** Deliveries in flight at once; beyond it new ones are dropped (and logged) rather than queued without bound. */
export const MAX_PENDING_WEBHOOKS = 256;

export interface NotifierDeps {
  isLeader(): boolean;
  /** Opens one secret of an environment; rejects naming it when it is not set. */
  secret(environment: string, name: string): Promise<string>;
  log: { info(msg: string): void; warn(msg: string, error?: unknown): void };
  send?: SendOptions;
}

/** A stored deployment as the KV watch delivers it: the spec (with its targets) is in the snapshot's context. */
export interface StoredDeployment {
  record: DeploymentRecord;
  snapshot: unknown;
}

export class Notifier {
  private pending = 0;
  private readonly abort = new AbortController();

  constructor(private readonly deps: NotifierDeps) {}

  /** A record changed (every node sees it; only the leader acts, so each event is sent once). */
  observe(previous: DeploymentRecord | null, next: StoredDeployment): void {
    if (!this.deps.isLeader()) return;
    for (const event of eventsOf(previous, next.record)) this.notify(event, next, null);
  }

  /** The leader failed or re-placed what `lostNode` ran. */
  nodeLost(lostNode: string, stored: StoredDeployment): void {
    this.notify('node_lost', stored, lostNode);
  }

  close(): void {
    this.abort.abort();
  }

  private notify(event: NotifyEvent, stored: StoredDeployment, lostNode: string | null): void {
    const r = stored.record;
    // One id per change (a deployment rolled back to succeeds again), the same for every retry of it.
    const delivery = `${r.id}.${event}.${Date.parse(r.updatedAt)}${lostNode ? `.${lostNode}` : ''}`;
    const body = JSON.stringify({
      delivery,
      event,
      at: new Date().toISOString(),
      environment: r.environmentName,
      service: r.serviceName,
      deploymentId: r.id,
      lostNode,
      record: r,
    });
    for (const target of targetsOf(stored.snapshot).filter((t) => t.events.includes(event))) {
      if (this.pending >= MAX_PENDING_WEBHOOKS) {
        this.deps.log.warn(
          `webhook ${event} for ${r.id} dropped: ${MAX_PENDING_WEBHOOKS} deliveries already in flight`,
        );
        continue;
      }
      this.pending++;
      void this.deliver(target, { delivery, event, body, environment: r.environmentName }).finally(
        () => this.pending--,
      );
    }
  }

  private async deliver(
    target: NotifyTarget,
    d: { delivery: string; event: string; body: string; environment: string },
  ): Promise<void> {
    try {
      const key = await this.deps.secret(d.environment, target.secret);
      await sendWebhook(
        { url: target.url, key, delivery: d.delivery, event: d.event, body: d.body },
        { ...this.deps.send, signal: this.abort.signal },
      );
      this.deps.log.info(`webhook ${d.event} delivered to ${new URL(target.url).origin} (${d.delivery})`);
    } catch (error) {
      this.deps.log.warn(`webhook ${d.event} not delivered (${d.delivery})`, error);
    }
  }
}

/** The targets a stored spec names; anything that does not parse names none (a hostile or old snapshot sends nothing). */
function targetsOf(snapshot: unknown): NotifyTarget[] {
  const read = readStoredDeployment(snapshot);
  if (!read.ok) return [];
  const parsed = NotifyTargets.safeParse(read.stored.context.spec.notify ?? []);
  return parsed.success ? parsed.data : [];
}
