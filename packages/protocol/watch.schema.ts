// The `watch` and `source.check` verbs: what the CLI, the dashboard and tests need instead of reading storage.
import { z } from 'zod';
import { DeploymentRecord } from './deployment.schema.js';
import { MAX_WATCH_DEPLOYMENTS, MAX_WATCH_WAIT_MS } from './limits.js';
import { DeploymentId } from './names.js';
import { TransitionReport } from './transition.schema.js';

/** How long a long poll (`watch`, `feed`) may wait for a change before it answers empty. */
export const LongPollWaitMs = z
  .number()
  .int()
  .min(0)
  .max(MAX_WATCH_WAIT_MS, `waits at most ${MAX_WATCH_WAIT_MS} ms`)
  .default(MAX_WATCH_WAIT_MS - 1_000);

/** A deployment and the revision of its record the caller last saw (0: none yet). */
export const WatchCursor = z.strictObject({ id: DeploymentId, revision: z.number().int().min(0).default(0) });
/** The last transition the caller saw: `seq` counts per deployment on the node that reported it. */
export const TransitionCursor = z.strictObject({ nodeId: z.string().min(1).max(128), seq: z.number().int().min(0) });

/**
 * A long poll: answered at once with every record newer than its cursor (and, with `transitions`, every transition of
 * the one watched deployment after `after`), or after `waitMs` with nothing when nothing changed. A client loops,
 * so the server keeps no state between requests and a vanished client costs at most one wait.
 */
export const WatchRequest = z
  .strictObject({
    deployments: z
      .array(WatchCursor)
      .min(1)
      .max(MAX_WATCH_DEPLOYMENTS, `at most ${MAX_WATCH_DEPLOYMENTS} deployments per watch`),
    transitions: z.strictObject({ after: TransitionCursor.nullable() }).optional(),
    waitMs: LongPollWaitMs,
  })
  .refine((r) => r.transitions === undefined || r.deployments.length === 1, {
    message: 'transitions are watched for exactly one deployment',
    path: ['transitions'],
  });

/** A record newer than the caller's cursor; `record: null` once the deployment's record is gone. */
export const WatchedRecord = z.object({
  id: z.string(),
  revision: z.number().int(),
  record: DeploymentRecord.nullable(),
});
export type WatchedRecord = z.output<typeof WatchedRecord>;
/**
 * `records`: each revision newer than its cursor, oldest first (the agent keeps the last few per deployment, so a
 * client that keeps polling sees every stage). `journal`: whether the hosting node's journal answered (false: only transitions published while the request
 * waited; some may be missing). `more`: transitions were left out to bound the reply; ask again at once.
 */
export const WatchReply = z.object({
  records: z.array(WatchedRecord),
  transitions: z.array(TransitionReport).default([]),
  journal: z.boolean().default(true),
  more: z.boolean().default(false),
});

/** Before an upload: the server makes sure the sources store exists (its settings are the cluster's own). */
export const SourceCheckRequest = z.strictObject({
  digest: z.string().regex(/^sha256-[0-9a-f]{64}$/, 'is not a sha256-<64 hex> digest'),
});
/** `present`: the store already holds this digest (content-addressed: nothing to upload). */
export const SourceCheckReply = z.object({ present: z.boolean() });
