// Webhook targets (`notify:` in compartment.yaml) and the JSON body Compartment posts to each of them.
import { z } from 'zod';
import { DeploymentId, Name, VariableName } from './names.js';
import { DeploymentRecord } from './deployment.schema.js';

/** What a target can ask to hear about (a rollback's superseded deployment is `rolled_back`). */
export const NOTIFY_EVENTS = ['succeeded', 'failed', 'rolled_back', 'node_lost', 'auto_reverted'] as const;
export const MAX_NOTIFY_TARGETS = 10;
export const MAX_NOTIFY_URL_CHARS = 2_048;

export const NotifyEvent = z.enum(NOTIFY_EVENTS);
export const NotifyTarget = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).max(MAX_NOTIFY_URL_CHARS),
  events: z
    .array(NotifyEvent)
    .min(1)
    .default([...NOTIFY_EVENTS]),
  /** The name of a secret variable of the environment (`env set --secret`): the HMAC key, never in the file itself. */
  secret: VariableName,
});
export const NotifyTargets = z
  .array(NotifyTarget)
  .max(MAX_NOTIFY_TARGETS, `too many notify targets: at most ${MAX_NOTIFY_TARGETS}`)
  .default([]);

export const WebhookBody = z.object({
  /** Stable across retries of one delivery: a receiver drops a delivery it has seen. */
  delivery: z.string(),
  event: NotifyEvent,
  at: z.iso.datetime(),
  environment: Name,
  service: Name,
  deploymentId: DeploymentId,
  /** The node whose loss this is (`node_lost`), otherwise null. */
  lostNode: z.string().nullable(),
  record: DeploymentRecord,
});

export type NotifyEvent = z.output<typeof NotifyEvent>;
export type NotifyTarget = z.output<typeof NotifyTarget>;
export type WebhookBody = z.output<typeof WebhookBody>;
