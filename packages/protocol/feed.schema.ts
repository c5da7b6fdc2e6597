// The `feed` verb: every deployment record (and every statechart transition) since a cursor, for the dashboard.
import { z } from 'zod';
import { Name } from './names.js';
import { TransitionReport } from './transition.schema.js';
import { LongPollWaitMs, WatchedRecord } from './watch.schema.js';

/**
 * Where a caller is in the transitions an agent received: `n` counts on agent `agent` (which changes when it restarts),
 * `at` is that agent's clock when it received report `n`. Another agent answers from its own reports received after
 * `at` less a 2 s overlap (clocks differ a little; the caller drops what it already has by node, deployment and seq).
 */
export const FeedTransitionCursor = z.strictObject({
  agent: z.string().min(1).max(160),
  n: z.number().int().min(0),
  at: z.number().int().min(0),
});
export type FeedTransitionCursor = z.output<typeof FeedTransitionCursor>;

/**
 * A long poll over all deployments (of one environment, when given). `since` is the KV revision the caller has seen
 * everything up to; 0 asks for the current state, paged. `transitions.after` is the `transitionCursor` of the last
 * reply (null: from now on). Answered at once when something is newer, else after `waitMs`, empty.
 */
export const FeedRequest = z.strictObject({
  environment: Name.optional(),
  since: z.number().int().min(0),
  transitions: z.strictObject({ after: FeedTransitionCursor.nullable() }).optional(),
  waitMs: LongPollWaitMs,
});

/**
 * `records`: each deployment whose record changed after `since`, at its newest revision (`record: null`: deleted),
 * oldest first; revisions in between are not repeated. `cursor`: pass it as the next `since`. `more`: the reply was
 * cut at its bound, ask again at once. `gap`: this server no longer knows every deletion after `since` (it restarted
 * or forgot the oldest): a caller holding records reads the current state again from `since: 0` and drops the records
 * that state does not hold. `transitions`: reports this server received after `transitions.after`; `transitionGap`:
 * some may be missing (the server started or forgot reports since then): a node's journal still has them.
 */
export const FeedReply = z.object({
  records: z.array(WatchedRecord),
  cursor: z.number().int(),
  more: z.boolean(),
  gap: z.boolean(),
  transitions: z.array(TransitionReport).default([]),
  transitionCursor: FeedTransitionCursor.nullable().default(null),
  transitionGap: z.boolean().default(false),
});
